package io.pcg.testkit.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pcg.testkit.net.LocalPorts;
import io.pcg.testkit.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Kubernetes API server for tests, benchmarks and the demo: etcd and kube-apiserver on free 127.0.0.1 ports
 * with a throw-away data folder, as upstream Cluster API tests run them (envtest). No kubelet and no controllers run:
 * nothing garbage-collects by owner references and deleted namespaces stay Terminating.
 *
 * <p>The binaries come from the folder in system property {@code pcg.kube.bin} or environment variable
 * {@code KUBE_APISERVER_BIN} (scripts/lib/deps.sh builds them and exports it). etcd is taken from that folder,
 * else from {@code PATH}. Clients authenticate with a bearer token as cluster admin and trust the server's
 * self-signed certificate, nothing else.
 *
 * <p>{@link #stop()} and {@link #restart()} take both processes down and bring them back on the same ports with the
 * same etcd data and serving certificate, as a control-plane reboot looks to clients: stored objects survive,
 * connections and watches break.
 */
public final class KubeApiServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int CONCURRENT_REQUESTS = 64;
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final List<String> etcdCommand;
    private final List<String> apiServerCommand;
    private ServerProcess etcd;
    private ServerProcess apiServer;
    private final URI url;
    private final String token;
    private final Path caFile;
    private final Path kubeconfig;
    private final KubernetesClient client;

    private KubeApiServer(
            Path dataDir,
            List<String> etcdCommand,
            ServerProcess etcd,
            List<String> apiServerCommand,
            ServerProcess apiServer,
            URI url,
            String token,
            Path caFile) {
        this.dataDir = dataDir;
        this.etcdCommand = etcdCommand;
        this.apiServerCommand = apiServerCommand;
        this.etcd = etcd;
        this.apiServer = apiServer;
        this.url = url;
        this.token = token;
        this.caFile = caFile;
        this.kubeconfig = dataDir.resolve("kubeconfig");
        writeKubeconfig();
        this.client = newClient();
    }

    /** The folder holding kube-apiserver (and usually etcd), or a clear error saying how to build it. */
    public static Path binDir() {
        String dir = System.getProperty("pcg.kube.bin", System.getenv("KUBE_APISERVER_BIN"));
        if (dir == null || dir.isBlank() || dir.contains("${") || !Files.isExecutable(Path.of(dir, "kube-apiserver"))) {
            throw new IllegalStateException("kube-apiserver not found: set system property pcg.kube.bin (or env "
                    + "KUBE_APISERVER_BIN) to the folder printed by scripts/lib/build-kube-apiserver.sh "
                    + "(scripts/test.sh runs it), got '" + dir + "'");
        }
        return Path.of(dir);
    }

    /** Starts etcd and kube-apiserver from {@link #binDir()}, waits until the server is ready. */
    public static KubeApiServer start() {
        return start(binDir());
    }

    /**
     * Starts etcd and kube-apiserver on free ports. A port found free can be taken by another process (an outgoing
     * connection's ephemeral port) before the server binds it: then the start is tried again on other ports.
     */
    public static KubeApiServer start(Path binDir) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(binDir);
            } catch (PortTakenException e) {
                if (attempt == START_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
    }

    /** A server exited at start-up because its port was no longer free. */
    static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private static KubeApiServer startOnce(Path binDir) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("pcg-kube-apiserver-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data folder for kube-apiserver", e);
        }
        ServerProcess etcd = null;
        ServerProcess apiServer = null;
        try {
            int etcdPort = LocalPorts.free();
            int peerPort = LocalPorts.free();
            int securePort = LocalPorts.free();
            String etcdUrl = "http://127.0.0.1:" + etcdPort;
            List<String> etcdCommand = List.of(
                    etcdBinary(binDir).toString(),
                    "--data-dir",
                    dataDir.resolve("etcd").toString(),
                    "--listen-client-urls",
                    etcdUrl,
                    "--advertise-client-urls",
                    etcdUrl,
                    "--listen-peer-urls",
                    "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls",
                    "http://127.0.0.1:" + peerPort,
                    "--initial-cluster",
                    "default=http://127.0.0.1:" + peerPort,
                    // a test server's data is thrown away: fsync would only make every write wait for the disk
                    "--unsafe-no-fsync",
                    "--log-level",
                    "warn");
            etcd = ServerProcess.start("etcd", etcdCommand, dataDir.resolve("etcd.log"), Map.of());

            String token = HexFormat.of().formatHex(randomBytes(24));
            Files.writeString(dataDir.resolve("tokens.csv"), token + ",pcg-test-admin,pcg-test-admin,system:masters\n");
            writeServiceAccountKeys(dataDir);
            Path certDir = dataDir.resolve("certs");
            List<String> apiServerCommand = List.of(
                    binDir.resolve("kube-apiserver").toString(),
                    "--etcd-servers",
                    etcdUrl,
                    "--secure-port",
                    Integer.toString(securePort),
                    "--bind-address",
                    "127.0.0.1",
                    "--advertise-address",
                    "127.0.0.1",
                    "--cert-dir",
                    certDir.toString(),
                    "--token-auth-file",
                    dataDir.resolve("tokens.csv").toString(),
                    "--authorization-mode",
                    "AlwaysAllow",
                    "--service-cluster-ip-range",
                    "10.96.0.0/12",
                    "--service-account-issuer",
                    "https://kubernetes.default.svc",
                    "--service-account-key-file",
                    dataDir.resolve("sa.pub").toString(),
                    "--service-account-signing-key-file",
                    dataDir.resolve("sa.key").toString(),
                    "--disable-admission-plugins",
                    "ServiceAccount");
            apiServer = ServerProcess.start(
                    "kube-apiserver", apiServerCommand, dataDir.resolve("kube-apiserver.log"), Map.of());

            URI url = URI.create("https://127.0.0.1:" + securePort);
            Path caFile = awaitReady(etcd, apiServer, url, token, certDir.resolve("apiserver.crt"));
            return new KubeApiServer(dataDir, etcdCommand, etcd, apiServerCommand, apiServer, url, token, caFile);
        } catch (IOException | RuntimeException e) {
            if (apiServer != null) {
                apiServer.close();
            }
            if (etcd != null) {
                etcd.close();
            }
            deleteRecursively(dataDir);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The shared client (cluster admin); closed with the server. */
    public KubernetesClient client() {
        return client;
    }

    /** An independent client, as another process would have; the caller closes it. */
    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** A fabric8 configuration for this server; many requests in flight, as tests and benchmarks run many threads. */
    public Config config() {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            config.setMaxConcurrentRequests(CONCURRENT_REQUESTS);
            config.setMaxConcurrentRequestsPerHost(CONCURRENT_REQUESTS);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kubeconfig file for this server (cluster admin), as the agent and clusterctl read it. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public URI url() {
        return url;
    }

    /** The cluster admin's bearer token, for test tools that talk HTTP to the server themselves. */
    String token() {
        return token;
    }

    /** The serving certificate, to trust. */
    Path caFile() {
        return caFile;
    }

    /** Kills kube-apiserver and etcd; requests fail and watches break until {@link #restart()}. */
    public synchronized void stop() {
        apiServer.close();
        etcd.close();
    }

    /**
     * Starts the stopped servers again on the same ports, on the same etcd data and with the same serving
     * certificate (kube-apiserver reuses the one in its cert dir), so existing clients and kubeconfigs stay valid.
     * Waits until the server is ready.
     */
    public synchronized void restart() {
        if (etcd.isAlive() || apiServer.isAlive()) {
            throw new IllegalStateException("the API server is still running: stop() it first");
        }
        etcd = ServerProcess.start("etcd", etcdCommand, etcd.log(), Map.of());
        apiServer = ServerProcess.start("kube-apiserver", apiServerCommand, apiServer.log(), Map.of());
        try {
            awaitReady(etcd, apiServer, url, token, caFile);
        } catch (IOException e) {
            throw new UncheckedIOException("kube-apiserver did not come back", e);
        }
    }

    /** CPU time kube-apiserver and etcd have used so far, for benchmarks that tell what a client costs the server. */
    public synchronized Duration cpuTime() {
        return apiServer.cpuTime().plus(etcd.cpuTime());
    }

    /** Where the servers write their logs, for diagnostics. */
    public synchronized List<Path> logs() {
        return List.of(etcd.log(), apiServer.log());
    }

    @Override
    public synchronized void close() {
        client.close();
        apiServer.close();
        etcd.close();
        deleteRecursively(dataDir);
    }

    private void writeKubeconfig() {
        try {
            String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(caFile));
            String yaml = """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: test
                      cluster:
                        server: %s
                        certificate-authority-data: %s
                    users:
                    - name: admin
                      user:
                        token: %s
                    contexts:
                    - name: test
                      context:
                        cluster: test
                        user: admin
                        namespace: default
                    current-context: test
                    """.formatted(url, ca, token);
            Files.writeString(kubeconfig, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + kubeconfig, e);
        }
    }

    private static Path etcdBinary(Path binDir) {
        Path beside = binDir.resolve("etcd");
        if (Files.isExecutable(beside)) {
            return beside;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "etcd not found in " + binDir + " nor on PATH: run scripts/lib/build-kube-apiserver.sh");
    }

    static RuntimeException exitedDuringStartUp(String server, String logTail) {
        String message = server + " exited during start-up:\n" + logTail;
        return logTail.contains("address already in use")
                ? new PortTakenException(message)
                : new IllegalStateException(message);
    }

    /** Waits for /readyz; the serving certificate appears in the cert dir before the port opens. */
    private static Path awaitReady(ServerProcess etcd, ServerProcess apiServer, URI url, String token, Path certFile)
            throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastAnswer = "no answer yet";
        HttpClient http = null;
        try {
            while (System.nanoTime() < deadline) {
                if (!etcd.isAlive()) {
                    throw exitedDuringStartUp("etcd", etcd.logTail(30));
                }
                if (!apiServer.isAlive()) {
                    throw exitedDuringStartUp("kube-apiserver", apiServer.logTail(30));
                }
                if (http == null && Files.isRegularFile(certFile) && Files.size(certFile) > 0) {
                    http = HttpClient.newBuilder()
                            .sslContext(trusting(certFile))
                            .connectTimeout(Duration.ofSeconds(2))
                            .build();
                }
                if (http != null) {
                    try {
                        HttpResponse<String> answer = http.send(
                                HttpRequest.newBuilder(url.resolve("/readyz"))
                                        .header("Authorization", "Bearer " + token)
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200) {
                            return certFile;
                        }
                        lastAnswer = answer.statusCode() + " " + answer.body();
                    } catch (IOException notListening) {
                        lastAnswer = notListening.toString();
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kube-apiserver", e);
        }
        throw new IllegalStateException("kube-apiserver was not ready within " + START_TIMEOUT.toSeconds() + " s ("
                + lastAnswer + "):\n" + apiServer.logTail(30));
    }

    static SSLContext trusting(Path certFile) throws IOException {
        try (var in = Files.newInputStream(certFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("kube-apiserver-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the serving certificate " + certFile, e);
        }
    }

    private static void writeServiceAccountKeys(Path dataDir) throws IOException {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(
                dataDir.resolve("sa.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(
                dataDir.resolve("sa.pub"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all =
                    new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a temp folder left behind is harmless; the processes are what must not leak
        }
    }
}
