package io.pcg.agent.identity;

import io.pcg.common.secrets.Secret;

/**
 * The mTLS identity the console issued at pairing.
 *
 * @param gatewayId      id of the console's gateway record (also the certificate's CN)
 * @param privateKeyPem  PKCS#8 PEM of the appliance's own key; generated here and never sent anywhere
 * @param certificatePem client certificate signed by the console's CA
 * @param caBundlePem    CA certificates to trust for the console from now on
 */
public record AgentIdentity(String gatewayId, Secret privateKeyPem, String certificatePem, String caBundlePem) {

    @Override
    public String toString() {
        return "AgentIdentity[gatewayId=" + gatewayId + "]";
    }
}
