package io.pcg.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The fault suite's outcome, aggregated from the reports of the last {@code scripts/test.sh} (or {@code mvn verify})
 * in this checkout rather than run again: the fault ITs start real servers and child JVMs for minutes, and running
 * them twice (tests, then benchmarks) would double that. Each test method of a fault IT is one fault scenario; one
 * that failed, was skipped (e.g. the disk-full IT without root) or has no report counts as not survived, so a bench
 * run on a fresh checkout says 0/M rather than claiming anything.
 *
 * <p>{@code secrets_leaked} scans every file the test runs left in {@code *}{@code /target/surefire-reports} and
 * {@code failsafe-reports} (the captured logs of every test, agent and console in the test JVMs) for the test
 * secrets: every password, PIN, token and secret constant of 8 or more characters in the test sources and the test
 * kit, found by name. Temporary folders (state directories, support bundles) are deleted by the tests themselves,
 * which scan them for the same secrets before (e.g. collect-logs' and HistoryRestartIT's checks).
 *
 * <pre>
 * faults_survived: 16/16 scenarios
 * secrets_scanned_files: 42 files
 * secrets_leaked: 0 occurrences
 * </pre>
 */
public final class FaultSuiteBench {

    /** module → fault ITs, each proving one fault kind (docs/testing.md, "The fault suite"). */
    private static final List<String[]> FAULT_ITS = List.of(
            new String[] {"gateway-agent", "io.pcg.agent.link.ProxyRestartIT"},
            new String[] {"gateway-agent", "io.pcg.agent.link.ConsoleRestartIT"},
            new String[] {"gateway-agent", "io.pcg.agent.link.LinkLivenessIT"},
            new String[] {"gateway-agent", "io.pcg.agent.vsphere.VcenterRestartIT"},
            new String[] {"gateway-agent", "io.pcg.agent.ipam.IpamApiServerFaultsIT"},
            new String[] {"gateway-agent", "io.pcg.agent.cluster.manifest.GatewayClusterApplyFaultsIT"},
            new String[] {"pcg-common", "io.pcg.common.files.AtomicFilesDiskFullIT"},
            new String[] {"agent-simulation", "io.pcg.agent.cluster.AgentKilledMidProvisioningIT"},
            new String[] {"dev-console", "io.pcg.console.HistoryRestartIT"});

    private static final Pattern SECRET_CONSTANT =
            Pattern.compile("String [A-Z_]*(?:PASSWORD|SECRET|PIN|TOKEN)[A-Z_]* = \"([^\"]{8,})\"");

    public static void main(String[] args) throws Exception {
        int scenarios = 0;
        int survived = 0;
        for (String[] it : FAULT_ITS) {
            Path report = Path.of(it[0], "target", "failsafe-reports", "TEST-" + it[1] + ".xml");
            if (!Files.isRegularFile(report)) {
                System.err.println(
                        "no report of " + it[1] + " (run scripts/test.sh first): counted as one fault not survived");
                scenarios++;
                continue;
            }
            NodeList cases = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(report.toFile())
                    .getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                scenarios++;
                boolean passed = Stream.of("failure", "error", "skipped")
                        .allMatch(outcome ->
                                testCase.getElementsByTagName(outcome).getLength() == 0);
                if (passed) {
                    survived++;
                } else {
                    System.err.println("not survived: " + it[1] + "#" + testCase.getAttribute("name"));
                }
            }
        }
        System.out.println("faults_survived: " + survived + "/" + scenarios + " scenarios");

        Set<String> secrets = testSecrets();
        List<Path> files = reportFiles();
        int leaks = 0;
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                    leaks++;
                    System.err.println("secret " + secret.charAt(0) + "... found in " + file);
                }
            }
        }
        System.out.println("secrets_known: " + secrets.size() + " secrets");
        System.out.println("secrets_scanned_files: " + files.size() + " files");
        System.out.println("secrets_leaked: " + leaks + " occurrences");
    }

    private static Set<String> testSecrets() throws IOException {
        Set<String> secrets = new TreeSet<>();
        try (Stream<Path> modules = Files.list(Path.of("."))) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                for (Path sources : List.of(module.resolve("src/test/java"), module.resolve("src/main/java"))) {
                    if (!Files.isDirectory(sources)
                            || (sources.endsWith("main/java")
                                    && !Set.of("testkit", "agent-simulation")
                                            .contains(module.getFileName().toString()))) {
                        continue;
                    }
                    try (Stream<Path> files = Files.walk(sources)) {
                        for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                                .toList()) {
                            Matcher constant = SECRET_CONSTANT.matcher(Files.readString(file));
                            while (constant.find()) {
                                secrets.add(constant.group(1));
                            }
                        }
                    }
                }
            }
        }
        return secrets;
    }

    private static List<Path> reportFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of("."))) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                for (String kind : List.of("surefire-reports", "failsafe-reports")) {
                    Path reports = module.resolve("target").resolve(kind);
                    if (Files.isDirectory(reports)) {
                        try (Stream<Path> found = Files.walk(reports)) {
                            files.addAll(
                                    found.filter(Files::isRegularFile).sorted().toList());
                        }
                    }
                }
            }
        }
        return files;
    }
}
