package io.pcg.agent.identity;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.pcg.proto.v1.GatewayGrpc;
import io.pcg.proto.v1.RenewCertificateRequest;
import io.pcg.proto.v1.RenewCertificateResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Trades a CSR for a fresh key pair for a renewed client certificate with one Gateway.RenewCertificate call, on the
 * control stream's mTLS channel: the current certificate is the authentication, no PIN is involved.
 */
public final class CertificateRenewalClient {

    private CertificateRenewalClient() {}

    /**
     * @return the renewed identity (new key, new certificate, the CA bundle from the answer), or the call's failure;
     *         completed on a gRPC thread
     */
    public static CompletableFuture<AgentIdentity> renew(Channel channel, AgentIdentity current, Duration deadline) {
        KeyMaterial keys = KeyMaterial.generate(current.gatewayId());
        CompletableFuture<AgentIdentity> renewed = new CompletableFuture<>();
        GatewayGrpc.newStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .renewCertificate(
                        RenewCertificateRequest.newBuilder()
                                .setCsrDer(ByteString.copyFrom(keys.csrDer()))
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(RenewCertificateResponse response) {
                                try {
                                    CertificateValidity.of(response.getClientCertificatePem());
                                } catch (IllegalArgumentException unreadable) {
                                    renewed.completeExceptionally(unreadable);
                                    return;
                                }
                                // An empty bundle would make the agent trust nothing: keep the one it has.
                                String caBundle = response.getCaBundlePem().isBlank()
                                        ? current.caBundlePem()
                                        : response.getCaBundlePem();
                                renewed.complete(new AgentIdentity(
                                        current.gatewayId(),
                                        keys.privateKeyPem(),
                                        response.getClientCertificatePem(),
                                        caBundle));
                            }

                            @Override
                            public void onError(Throwable failure) {
                                renewed.completeExceptionally(failure);
                            }

                            @Override
                            public void onCompleted() {
                                renewed.completeExceptionally(new IllegalStateException(
                                        "the console answered RenewCertificate without a certificate"));
                            }
                        });
        return renewed;
    }
}
