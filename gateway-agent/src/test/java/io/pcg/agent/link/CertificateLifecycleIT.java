package io.pcg.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.agent.command.PingCommandHandler;
import io.pcg.agent.health.AgentStatus;
import io.pcg.agent.identity.CertificateValidity;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.proto.v1.CommandStatus;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import io.pcg.testkit.logging.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client certificate's life against the real dev-console: renewal on its own, expiry, revocation. */
class CertificateLifecycleIT {

    /** Short enough to watch a renewal (due about 18 s after issue, see ConsoleCa's backdating), long enough to use. */
    private static final Duration CERT_LIFETIME = Duration.ofSeconds(30);

    @RegisterExtension
    final DevConsoleExtension consoles =
            DevConsoleExtension.perTest(Map.of("pcg.console.client-cert-lifetime", CERT_LIFETIME.toSeconds() + "s"));

    @TempDir
    Path tmp;

    private DevConsole console;

    @BeforeEach
    void console() {
        console = consoles.console();
    }

    private AgentRun agent(String pin, Clock clock) {
        return AgentRun.start(
                AgentRun.config("pcg-dc1", console.endpoint(), pin, tmp.resolve("agent"), console.caFile()),
                Map.of(),
                clock);
    }

    private CertificateValidity storedCertificate() throws Exception {
        return CertificateValidity.of(Files.readString(tmp.resolve("agent/identity/cert.pem")));
    }

    @Test
    void theCertificateIsRenewedOnItsOwnWhileTheLinkStaysUp() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        String gatewayId = issued.gateway().id();
        try (LogCapture logs = LogCapture.capture();
                AgentRun agent = agent(issued.pin(), Clock.systemUTC())) {
            AgentStatus.Snapshot connected = agent.awaitConnected();
            CertificateValidity first = storedCertificate();
            String firstKey = Files.readString(tmp.resolve("agent/identity/key.pem"));
            assertThat(connected.certificateExpiresAt()).isEqualTo(first.notAfter());
            assertThat(console.gateway(gatewayId).certificateExpiresAt()).isEqualTo(first.notAfter());
            Set<AgentStatus.Phase> phasesSeen = ConcurrentHashMap.newKeySet();

            CertificateValidity renewed = await("the agent renews its certificate")
                    .atMost(CERT_LIFETIME.multipliedBy(2))
                    .pollInterval(Duration.ofMillis(20))
                    .conditionEvaluationListener(
                            condition -> phasesSeen.add(agent.status().phase()))
                    .until(this::storedCertificate, stored -> !stored.serial().equals(first.serial()));

            assertThat(renewed.notAfter()).isAfter(first.notAfter());
            AgentStatus.Snapshot after = agent.await(s -> s.phase() == AgentStatus.Phase.CONNECTED
                    && renewed.notAfter().equals(s.certificateExpiresAt()));
            assertThat(after.lastRegisteredAt()).isAfter(connected.lastRegisteredAt());
            // The switch is a reconnect with no failure in between: never a retry, never a problem.
            assertThat(phasesSeen).doesNotContain(AgentStatus.Phase.RETRYING, AgentStatus.Phase.NEEDS_OPERATOR);
            GatewayRecord record = console.gateway(gatewayId);
            assertThat(record.certificateSerial()).isEqualTo(renewed.serial());
            assertThat(record.previousCertificateSerial()).isEqualTo(first.serial());
            assertThat(record.certificateExpiresAt()).isEqualTo(renewed.notAfter());
            assertThat(record.state()).isEqualTo(GatewayState.ONLINE);
            String commandId = console.commands()
                    .submit(gatewayId, PingCommandHandler.TYPE, "{\"after\":\"renewal\"}")
                    .id();
            assertThat(console.commands()
                            .result(commandId)
                            .get(30, TimeUnit.SECONDS)
                            .getStatus())
                    .isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);

            Path key = tmp.resolve("agent/identity/key.pem");
            String newKey = Files.readString(key);
            assertThat(newKey).isNotEqualTo(firstKey);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .isEqualTo("rw-------");
            assertThat(Files.exists(tmp.resolve("agent/identity.next"))).isFalse();
            assertThat(logs.all())
                    .isNotEmpty()
                    .doesNotContain(issued.pin())
                    .doesNotContain(secretLines(newKey))
                    .doesNotContain(secretLines(firstKey));
        }
    }

    @Test
    void anExpiredCertificateStopsTheAgentWithHowToPairAgain() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        try (AgentRun agent = agent(issued.pin(), Clock.systemUTC())) {
            agent.awaitConnected();
        }
        // The agent was off for longer than the certificate lives: its own clock says it has expired.
        Clock later = Clock.offset(Clock.systemUTC(), CERT_LIFETIME.multipliedBy(10));
        try (AgentRun restarted = agent("", later)) {
            AgentStatus.Snapshot status = restarted.awaitProblem();

            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(status.problem()).isEqualTo(ConnectionProblem.CERTIFICATE_EXPIRED.name());
            assertThat(status.message())
                    .contains("expired at " + storedCertificate().notAfter());
            assertThat(status.hint())
                    .contains("new PIN")
                    .contains("delete /var/lib/pcg/identity")
                    .contains("NTP");
            assertThat(status.certificateExpiresAt())
                    .isEqualTo(storedCertificate().notAfter());
        }
    }

    @Test
    void aRevokedGatewayStopsConnectingAndSaysWhy() throws Exception {
        GatewayService.IssuedPin issued = console.createGateway("pcg-dc1");
        String gatewayId = issued.gateway().id();
        try (AgentRun agent = agent(issued.pin(), Clock.systemUTC())) {
            agent.awaitConnected();

            HttpResponse<String> revoked = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(console.adminApi() + "/api/gateways/" + gatewayId + "/revoke"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).isEqualTo(200);
            assertThat(revoked.body()).contains("\"state\":\"Revoked\"").contains("\"revokedAt\"");

            AgentStatus.Snapshot stopped = agent.await(s -> s.phase() == AgentStatus.Phase.NEEDS_OPERATOR);
            assertThat(stopped.problem()).isEqualTo(ConnectionProblem.REVOKED.name());
            assertThat(stopped.message()).contains("revoked");
            assertThat(stopped.hint()).contains("new PIN");
            // No reconnect storm: the agent stays stopped.
            await("the agent stays stopped")
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            agent::status,
                            s -> s.phase() == AgentStatus.Phase.NEEDS_OPERATOR
                                    && s.lastRegisteredAt().equals(stopped.lastRegisteredAt()));
            assertThat(console.gateway(gatewayId).state()).isEqualTo(GatewayState.REVOKED);
        }
        // A restarted agent is refused at once with the same reason.
        try (AgentRun restarted = agent("", Clock.systemUTC())) {
            AgentStatus.Snapshot status = restarted.awaitProblem();
            assertThat(status.problem()).isEqualTo(ConnectionProblem.REVOKED.name());
            assertThat(status.phase()).isEqualTo(AgentStatus.Phase.NEEDS_OPERATOR);
        }
        assertThat(console.events(gatewayId))
                .extracting(event -> event.reason())
                .contains("Revoked");
    }

    /**
     * The base64 lines of a private key PEM that hold key bytes: not the armour, and not the first line, which is the
     * same ASN.1 preamble in every P-256 key.
     */
    private static String[] secretLines(String pem) {
        return pem.lines().filter(line -> !line.startsWith("-----")).skip(1).toArray(String[]::new);
    }
}
