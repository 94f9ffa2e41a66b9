package io.pcg.console.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.pki.ConsoleCa;
import jakarta.inject.Singleton;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the Gateway service: the caller must present a client certificate that this console's CA issued, that
 * is valid now, whose CN names a known gateway that is not revoked, and that is that gateway's latest certificate (or
 * the one its latest renewal was requested with, until that expires).
 * The TLS layer already checks the chain (client auth is optional there so that Pairing works without a
 * certificate); this check makes it mandatory for the control stream and maps the certificate to a gateway id.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ClientCertificateInterceptor implements ServerInterceptor {

    /** The authenticated gateway id, for the service handling the call. */
    public static final Context.Key<String> GATEWAY_ID = Context.key("pcg-gateway-id");
    /** Serial (hex) of the certificate the call was authenticated with, for renewals. */
    public static final Context.Key<String> CERTIFICATE_SERIAL = Context.key("pcg-certificate-serial");

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateInterceptor.class);

    private final ConsoleCa ca;
    private final GatewayStore store;

    public ClientCertificateInterceptor(ConsoleCa ca, GatewayStore store) {
        this.ca = ca;
        this.store = store;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Authenticated caller;
        try {
            caller = authenticate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        } catch (Refused refused) {
            LOG.warn(
                    "Refused control stream from {}: {}",
                    call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                    refused.status.getStatus().getDescription());
            call.close(
                    refused.status.getStatus(),
                    refused.status.getTrailers() == null ? new Metadata() : refused.status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(
                Context.current().withValues(GATEWAY_ID, caller.gatewayId, CERTIFICATE_SERIAL, caller.serial),
                call,
                headers,
                next);
    }

    private record Authenticated(String gatewayId, String serial) {}

    private Authenticated authenticate(SSLSession tls) throws Refused {
        if (tls == null) {
            throw new Refused("the control stream needs TLS with the client certificate from pairing");
        }
        Certificate[] chain;
        try {
            chain = tls.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new Refused("no client certificate was presented; the gateway must pair with a PIN first");
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            throw new Refused("no X.509 client certificate was presented; the gateway must pair with a PIN first");
        }
        String gatewayId = ca.gatewayIdOf(certificate)
                .orElseThrow(() -> new Refused("the client certificate "
                        + certificate.getSubjectX500Principal().getName()
                        + " was not issued by this console, has expired or"
                        + " is not for client authentication; pair the gateway again with a new PIN"));
        Optional<GatewayRecord> gateway = store.find(gatewayId);
        if (gateway.isEmpty()) {
            throw new Refused("the client certificate is for gateway " + gatewayId
                    + ", which this console does not know; create the gateway and pair again");
        }
        if (gateway.get().revokedAt() != null) {
            throw new Refused(GatewayRefusals.revoked(gatewayId));
        }
        String serial = ConsoleCa.serialOf(certificate);
        if (!gateway.get().accepts(serial)) {
            throw new Refused("the client certificate of gateway " + gatewayId
                    + " was replaced by a later pairing or renewal; use the identity from the latest pairing");
        }
        return new Authenticated(gatewayId, serial);
    }

    private static final class Refused extends Exception {
        private final StatusRuntimeException status;

        Refused(String message) {
            this(Status.UNAUTHENTICATED.withDescription(message).asRuntimeException());
        }

        Refused(StatusRuntimeException status) {
            super(status.getStatus().getDescription(), null, false, false);
            this.status = status;
        }
    }
}
