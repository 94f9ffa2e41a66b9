package io.pcg.cli.doctor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * This VM's clock against its NTP servers, by SNTP. A wrong clock breaks certificates (the agent's client
 * certificate, the gateway cluster's) and the seed names failed NTP sync among the usual provisioning failures.
 */
final class ClockCheck {

    static final String CHECK = "clock";
    /** Past this, chrony is not keeping time; Kubernetes and TLS still cope. */
    static final Duration WARN_OFFSET = Duration.ofSeconds(1);
    /** Past this, certificates and tokens start to be "not yet valid" or expire early. */
    static final Duration FAIL_OFFSET = Duration.ofSeconds(5);

    private final DoctorSettings settings;
    private final Clock clock;

    ClockCheck(DoctorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    CheckResult run() {
        List<HostPort> servers =
                settings.ntpServers().isEmpty() ? chronyServers(settings.chronyConfig()) : settings.ntpServers();
        if (servers.isEmpty()) {
            return CheckResult.warn(
                    CHECK,
                    "no NTP server configured (none given, none in " + settings.chronyConfig() + ")",
                    "add 'server <ntp-host> iburst' to " + settings.chronyConfig()
                            + " and 'sudo systemctl restart chrony'");
        }
        List<String> unanswered = new ArrayList<>();
        List<Sntp.Measurement> answers = new ArrayList<>();
        for (HostPort server : servers) {
            try {
                answers.add(Sntp.query(server, settings.timeout(), clock));
            } catch (IOException e) {
                unanswered.add(server + " (" + Tunnel.describe(e) + ")");
            }
        }
        if (answers.isEmpty()) {
            return CheckResult.fail(
                    CHECK,
                    "no NTP server answered: " + String.join(", ", unanswered),
                    "allow UDP 123 from this VM to its NTP servers, or set reachable ones in " + settings.chronyConfig()
                            + " ('chronyc sources' shows what chrony reaches)");
        }
        answers.sort(Comparator.comparing(Sntp.Measurement::offset));
        Duration offset = answers.get(answers.size() / 2).offset();
        String found = "this VM's clock is " + describe(offset) + " (" + answers.size() + " of " + servers.size()
                + " NTP server(s) answered"
                + (unanswered.isEmpty() ? "" : "; no answer from " + String.join(", ", unanswered)) + ")";
        Duration size = offset.abs();
        String fix =
                "check 'chronyc tracking' and 'timedatectl' (NTP synchronized: yes); 'sudo chronyc makestep' steps the clock";
        if (size.compareTo(FAIL_OFFSET) >= 0) {
            return CheckResult.fail(CHECK, found, fix);
        }
        if (size.compareTo(WARN_OFFSET) >= 0) {
            return CheckResult.warn(CHECK, found, fix);
        }
        return CheckResult.pass(CHECK, found);
    }

    static String describe(Duration offset) {
        long millis = offset.toMillis();
        return Math.abs(millis) + " ms " + (millis > 0 ? "behind" : "ahead of") + " NTP time";
    }

    /** The {@code server} and {@code pool} lines of chrony's configuration and its sources.d files. */
    static List<HostPort> chronyServers(Path chronyConfig) {
        Set<HostPort> servers = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>(List.of(chronyConfig));
        Path sources = chronyConfig.resolveSibling("sources.d");
        if (Files.isDirectory(sources)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(sources, "*.sources")) {
                entries.forEach(files::add);
            } catch (IOException e) {
                // An unreadable folder adds no servers; the result says which servers were asked.
            }
        }
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file)) {
                    String[] words = line.trim().split("\\s+");
                    if (words.length >= 2 && (words[0].equals("server") || words[0].equals("pool"))) {
                        servers.add(HostPort.parse(words[1], Sntp.PORT));
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // Unreadable or odd lines add no servers; with none, the check says so.
            }
        }
        return List.copyOf(servers);
    }
}
