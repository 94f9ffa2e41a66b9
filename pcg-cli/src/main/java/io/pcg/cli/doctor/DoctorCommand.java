package io.pcg.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import io.pcg.cli.AgentClient;
import io.pcg.cli.AgentConfigFile;
import io.pcg.cli.DurationConverter;
import io.pcg.cli.Pcg;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.proxy.ProxySettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pcg doctor}: checks what the gateway needs, each with PASS/WARN/FAIL and a fix; exit code 1 if anything
 * FAILs. Run it with sudo: the agent's configuration and the proxy settings are root-only.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Checks the agent, DNS, proxy, console TLS, clock, vCenter, resources and egress; exit 1 if any check FAILs.")
public final class DoctorCommand implements Callable<Integer> {

    static final String AGENT = "agent";
    static final String PROXY_SETTINGS = "proxy settings";

    @ParentCommand
    Pcg pcg;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--ntp-server",
            paramLabel = "HOST[:PORT]",
            description =
                    "Time server to compare with (repeatable; default: the server/pool lines of --chrony-config).")
    List<String> ntpServers = new ArrayList<>();

    @Option(
            names = "--chrony-config",
            paramLabel = "FILE",
            defaultValue = "/etc/chrony/chrony.conf",
            description =
                    "chrony's configuration (and its sources.d), for the NTP servers (default: ${DEFAULT-VALUE}).")
    Path chronyConfig;

    @Option(
            names = "--egress",
            paramLabel = "HOST[:PORT]",
            description =
                    "Endpoint that must be reachable on TLS (repeatable; default: the console and api.spectrocloud.com:443).")
    List<String> egress = new ArrayList<>();

    @Option(
            names = "--proc-dir",
            paramLabel = "DIR",
            defaultValue = "/proc",
            description = "Where cpuinfo and meminfo are (default: ${DEFAULT-VALUE}).")
    Path procDir;

    @Option(
            names = "--disk-path",
            paramLabel = "DIR",
            defaultValue = "/var/lib",
            description = "A path on the file system the gateway's data uses (default: ${DEFAULT-VALUE}).")
    Path diskPath;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "For each connection and answer, e.g. 2s (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws AgentConfigFile.UnreadableException {
        AgentConfigFile config = pcg.agentConfig();
        List<CheckResult> results = new ArrayList<>();
        ProxySettings proxy;
        try {
            proxy = ProxySettings.fromEnvironment(pcg.environment());
        } catch (IllegalArgumentException e) {
            results.add(CheckResult.fail(
                    PROXY_SETTINGS,
                    e.getMessage(),
                    "fix HTTPS_PROXY/HTTP_PROXY in /etc/environment and"
                            + " /etc/systemd/system/pcg-agent.service.d/proxy.conf; the checks below go direct"));
            proxy = ProxySettings.DIRECT;
        }
        DoctorSettings settings;
        try {
            settings = new DoctorSettings(
                    pcg.configFile(),
                    config.consoleEndpoint(),
                    caFiles(config),
                    proxy,
                    ntpServers.stream()
                            .map(server -> HostPort.parse(server, Sntp.PORT))
                            .toList(),
                    chronyConfig,
                    egressEndpoints(config),
                    procDir,
                    diskPath,
                    timeout);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("pcg doctor: " + e.getMessage());
            return picocli.CommandLine.ExitCode.USAGE;
        }
        AgentClient agent = pcg.agent();
        Optional<VcenterCheck.Pinned> vcenter;
        try {
            JsonNode status = agent.status();
            results.add(agentCheck(status.path("agent")));
            JsonNode pinned = status.path("vcenter");
            vcenter = pinned.isObject()
                    ? Optional.of(new VcenterCheck.Pinned(
                            pinned.path("server").asText(""),
                            pinned.path("thumbprint").asText(""),
                            pinned.path("problem").asText("")))
                    : Optional.empty();
        } catch (AgentClient.UnreachableException e) {
            results.add(
                    CheckResult.fail(
                            AGENT,
                            "not answering on " + agent.base(),
                            "'systemctl status pcg-agent' shows whether"
                                    + " it runs, 'journalctl -u pcg-agent -n 100' why it stopped; 'sudo systemctl restart pcg-agent'"));
            vcenter = Optional.of(new VcenterCheck.Pinned("", "", "the agent is not answering on " + agent.base()));
        }
        results.addAll(new ConsoleChecks(settings).run());
        results.add(new ClockCheck(settings, Clock.systemUTC()).run());
        results.add(new VcenterCheck(settings).run(vcenter));
        results.addAll(new ResourceChecks(settings).run());
        results.addAll(new EgressChecks(settings).run());
        spec.commandLine().getOut().print(DoctorReport.render(results));
        return DoctorReport.exitCode(results);
    }

    private static CheckResult agentCheck(JsonNode agent) {
        String phase = agent.path("phase").asText("");
        if ("CONNECTED".equals(phase)) {
            return CheckResult.pass(
                    AGENT,
                    "running, connected to the console as gateway "
                            + agent.path("gatewayId").asText(""));
        }
        String problem = agent.path("problem").asText("");
        String detail = "running, " + phase
                + (problem.isEmpty()
                        ? ""
                        : ": " + problem + " - " + agent.path("message").asText(""));
        String hint = agent.path("hint").asText("");
        return "NEEDS_OPERATOR".equals(phase) || !problem.isEmpty()
                ? CheckResult.fail(AGENT, detail, hint.isEmpty() ? "see docs/agent.md, 'Health and problems'" : hint)
                : CheckResult.pass(AGENT, detail);
    }

    /** What the agent trusts for the console: its configured CA file, and the CA bundle pairing stored. */
    private static List<Path> caFiles(AgentConfigFile config) {
        List<Path> files = new ArrayList<>();
        config.consoleCaFile().ifPresent(files::add);
        files.add(config.stateDir().resolve("identity").resolve("ca.pem"));
        return files;
    }

    private List<HostPort> egressEndpoints(AgentConfigFile config) {
        if (!egress.isEmpty()) {
            return egress.stream()
                    .map(endpoint -> HostPort.parse(endpoint, 443))
                    .toList();
        }
        Set<HostPort> endpoints = new LinkedHashSet<>();
        try {
            ConsoleEndpoint console = ConsoleEndpoint.parse(config.consoleEndpoint());
            endpoints.add(new HostPort(console.host(), console.port()));
        } catch (IllegalArgumentException e) {
            // The console endpoint check reports it.
        }
        endpoints.addAll(EgressChecks.REQUIRED);
        return List.copyOf(endpoints);
    }
}
