package io.pcg.installer.validation;

import io.pcg.common.proxy.ProxyUrl;
import io.pcg.common.secrets.Secret;

/**
 * A proxy setting as the operator typed it (kept whole, as a secret, because programs that read HTTPS_PROXY need the
 * password inside the URL) together with its parsed, printable form.
 */
public record ProxyEndpoint(Secret url, ProxyUrl parsed) {

    @Override
    public String toString() {
        return parsed.toString();
    }
}
