package io.pcg.agent.link;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.pcg.agent.identity.AgentIdentity;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.proxy.ProxySettings;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Builds the outbound gRPC channels to the console: server-authenticated TLS for pairing, mTLS with the stored
 * identity for the control stream, both through the HTTPS proxy unless NO_PROXY exempts the console.
 * Every attempt gets a fresh channel, so gRPC's own reconnect backoff never hides a failure or delays a retry.
 * The control stream's channel pings the console (gRPC keepalive): a connection a firewall or NAT silently dropped
 * would otherwise look alive until TCP gave up, which takes many minutes.
 */
public final class ConsoleChannels {

    private final ConsoleEndpoint endpoint;
    private final ProxySettings proxySettings;
    private final Optional<Path> consoleCaFile;
    private final Duration connectTimeout;
    private final Duration keepaliveTime;
    private final Duration keepaliveTimeout;
    private final String userAgent;

    /**
     * @param keepaliveTime    silence after which the control stream's channel pings the console
     * @param keepaliveTimeout how long that ping may go unanswered before the connection counts as dead
     */
    public ConsoleChannels(
            ConsoleEndpoint endpoint,
            ProxySettings proxySettings,
            Optional<Path> consoleCaFile,
            Duration connectTimeout,
            Duration keepaliveTime,
            Duration keepaliveTimeout,
            String userAgent) {
        this.endpoint = endpoint;
        this.proxySettings = proxySettings;
        this.consoleCaFile = consoleCaFile;
        this.connectTimeout = connectTimeout;
        this.keepaliveTime = keepaliveTime;
        this.keepaliveTimeout = keepaliveTimeout;
        this.userAgent = userAgent;
    }

    public ConsoleEndpoint endpoint() {
        return endpoint;
    }

    /** The proxy used for the console, redacted, or empty when connecting directly. */
    public String proxyInUse() {
        return proxySettings
                .proxyFor("https", endpoint.host())
                .map(Object::toString)
                .orElse("");
    }

    /** A channel that authenticates the console only: the agent has no certificate yet. */
    public ManagedChannel forPairing() throws ProblemException {
        SslContextBuilder tls = GrpcSslContexts.forClient();
        if (consoleCaFile.isPresent()) {
            File caFile = consoleCaFile.get().toFile();
            if (!Files.isReadable(consoleCaFile.get())) {
                throw new ProblemException(new Problem(
                        ConnectionProblem.CONFIG_INVALID,
                        "pcg.agent.console-ca-file " + caFile + " does not exist or is not readable"));
            }
            tls.trustManager(caFile);
        }
        return builder(tls).build();
    }

    /**
     * A channel that presents the agent's client certificate, trusts only the CA bundle from pairing (or the latest
     * renewal) and pings the console while the control stream is open.
     */
    public ManagedChannel forIdentity(AgentIdentity identity) throws ProblemException {
        SslContextBuilder tls = GrpcSslContexts.forClient()
                .trustManager(new ByteArrayInputStream(identity.caBundlePem().getBytes(StandardCharsets.US_ASCII)));
        try {
            tls.keyManager(
                    new ByteArrayInputStream(identity.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                    new ByteArrayInputStream(identity.privateKeyPem().reveal().getBytes(StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(
                    new Problem(
                            ConnectionProblem.CONFIG_INVALID,
                            "the stored identity's key or certificate cannot be loaded; delete the identity folder and pair again with a new PIN"));
        }
        return builder(tls)
                .keepAliveTime(keepaliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepaliveTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }

    private NettyChannelBuilder builder(SslContextBuilder tls) throws ProblemException {
        SslContext context;
        try {
            context = tls.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ProblemException(new Problem(
                    ConnectionProblem.CONFIG_INVALID,
                    "the TLS trust settings cannot be loaded (" + e.getClass().getSimpleName()
                            + "); check pcg.agent.console-ca-file is a PEM CA bundle"));
        }
        return NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                .sslContext(context)
                .proxyDetector(new ConsoleProxyDetector(proxySettings))
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .userAgent(userAgent);
    }

    public static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
