package io.pcg.console.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.ControlStreamService;
import io.pcg.console.control.GatewaySessions;
import io.pcg.console.pairing.PairingGrpcService;
import io.pcg.console.pki.ConsoleCa;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-facing TLS gRPC server: Pairing (no client certificate needed) and Gateway (mTLS, see
 * {@link ClientCertificateInterceptor}). Starts with the application context and drains on shutdown.
 */
@Context
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ConsoleGrpcServer {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGrpcServer.class);
    private static final long GRACE_SECONDS = 5;
    /**
     * Agents ping (gRPC keepalive) to find a black-holed connection in seconds; gRPC clients ping at most every 10 s,
     * so permitting half that means timer jitter never counts as a ping strike (which would close the connection).
     */
    static final Duration PERMIT_KEEPALIVE_TIME = Duration.ofSeconds(5);

    private final Server server;
    private final GatewaySessions sessions;

    public ConsoleGrpcServer(
            ConsoleConfig config,
            ConsoleCa ca,
            PairingGrpcService pairing,
            ControlStreamService control,
            ClientCertificateInterceptor clientCertificates,
            GatewaySessions sessions) {
        this.sessions = sessions;
        TlsServerCredentials.Builder credentials;
        try {
            credentials = TlsServerCredentials.newBuilder()
                    .keyManager(pem(ca.serverCertificatePem()), pem(ca.serverKeyPem()))
                    .trustManager(pem(ca.caPem()))
                    .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the console's TLS identity", e);
        }
        InetSocketAddress address = new InetSocketAddress(config.grpcHost(), config.grpcPort());
        server = NettyServerBuilder.forAddress(address, credentials.build())
                .addService(pairing)
                .addService(ServerInterceptors.intercept(control, clientCertificates))
                .addService(ProtoReflectionServiceV1.newInstance())
                .permitKeepAliveTime(PERMIT_KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen for agents on " + address + ": " + e.getMessage()
                            + " (set pcg.console.grpc-port to a free port, or 0 for any)",
                    e);
        }
        LOG.info("Listening for agents on {}:{} (TLS; agents trust {})", config.grpcHost(), port(), ca.caFile());
    }

    /** The port actually bound, which differs from the configured one when that was 0. */
    public int port() {
        return server.getPort();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        server.shutdown();
        // Control streams never end on their own; close them or shutdown would wait out the grace period.
        sessions.disconnectAll();
        if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static InputStream pem(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
