package io.pcg.agent.logbundle;

import io.pcg.agent.events.SafeText;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs collect-logs.sh into a folder of the caller's and hands back the bundle it wrote (the path on the last line of
 * its output), measured and hashed for the upload. The script redacts every secret itself; what this class reports
 * from its output is its error line, passed through {@link SafeText} all the same.
 */
public final class LogCollector {

    public static final String SCRIPT_MISSING = "LOGS_SCRIPT_MISSING";
    public static final String COLLECTION_FAILED = "LOGS_COLLECTION_FAILED";
    public static final String COLLECTION_TIMED_OUT = "LOGS_COLLECTION_TIMED_OUT";
    public static final String BUNDLE_TOO_LARGE = "LOGS_BUNDLE_TOO_LARGE";

    private final LogBundleConfig config;
    private final CommandRunner runner;

    /** @param runner runs the script; it must stop it after {@link LogBundleConfig#timeout} ({@link ProcessCommandRunner} does) */
    public LogCollector(LogBundleConfig config, CommandRunner runner) {
        this.config = config;
        this.runner = runner;
    }

    /**
     * @param outDir an empty folder only this collection uses; the bundle is written there
     * @throws OperatorException when the script is missing, fails, runs too long, or writes no usable bundle
     */
    public LogBundle collect(Path outDir) throws OperatorException {
        Path script = config.script();
        if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
            throw new OperatorException(
                    SCRIPT_MISSING,
                    "the log collection script " + script
                            + (Files.exists(script) ? " is not an executable file" : " does not exist"),
                    "Set pcg.agent.log-bundle.script to collect-logs.sh (the image installs it at "
                            + LogBundleConfig.DEFAULT_SCRIPT + " with its lib/ folder), then send logs.collect again.");
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(config.arguments());
        command.addAll(List.of("--out", outDir.toString(), "--max-total-mb", String.valueOf(config.maxContentMiB())));
        CommandRunner.Result result;
        try {
            result = runner.run(command);
        } catch (IOException e) {
            throw new OperatorException(
                    COLLECTION_FAILED,
                    "the log collection script " + script + " could not be started ("
                            + e.getClass().getSimpleName() + ")",
                    "Check that bash and perl are installed on the appliance and that " + script
                            + " starts with a valid #! line.");
        }
        if (result.exitCode() == ProcessCommandRunner.TIMED_OUT) {
            throw new OperatorException(
                    COLLECTION_TIMED_OUT,
                    "the log collection script did not finish within "
                            + config.timeout().toSeconds() + " s and was stopped",
                    "Raise pcg.agent.log-bundle.timeout, or collect less (e.g. '--max-lines 2000' in"
                            + " pcg.agent.log-bundle.arguments), then send logs.collect again.");
        }
        if (!result.succeeded()) {
            throw new OperatorException(
                    COLLECTION_FAILED,
                    "the log collection script failed with exit code " + result.exitCode() + ": "
                            + SafeText.of(lastLine(result.stderr(), "it printed no reason")),
                    "Fix what the message names and send logs.collect again; on the appliance 'sudo pcg logs' runs the"
                            + " same script and shows all of its output.");
        }
        return measure(bundlePath(result.stdout(), outDir));
    }

    /** The last line of the script's output names the bundle, which must be a file it wrote into {@code outDir}. */
    private static Path bundlePath(String stdout, Path outDir) throws OperatorException {
        String printed = lastLine(stdout, "");
        Path folder = outDir.toAbsolutePath().normalize();
        Path bundle = printed.isEmpty() ? null : folder.resolve(printed).normalize();
        if (bundle == null || !folder.equals(bundle.getParent()) || !Files.isRegularFile(bundle)) {
            throw new OperatorException(
                    COLLECTION_FAILED,
                    "the log collection script succeeded but its last line of output"
                            + " does not name a bundle it wrote to " + outDir,
                    "Check that pcg.agent.log-bundle.script is collect-logs.sh, which prints the bundle's path last.");
        }
        return bundle;
    }

    private LogBundle measure(Path bundle) throws OperatorException {
        try {
            long size = Files.size(bundle);
            if (size > config.maxSize()) {
                throw new OperatorException(
                        BUNDLE_TOO_LARGE,
                        "the bundle is " + size + " bytes, more than the " + config.maxSize()
                                + " the agent uploads (pcg.agent.log-bundle.max-size)",
                        "Collect less (e.g. '--max-lines 2000' in pcg.agent.log-bundle.arguments) or raise"
                                + " pcg.agent.log-bundle.max-size, then send logs.collect again.");
            }
            return new LogBundle(bundle, size, sha256(bundle));
        } catch (IOException e) {
            throw new OperatorException(
                    COLLECTION_FAILED,
                    "the bundle " + bundle.getFileName() + " cannot be read ("
                            + e.getClass().getSimpleName() + ")",
                    "Check the free space and permissions of the agent's state directory.");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String lastLine(String text, String otherwise) {
        List<String> lines =
                text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        return lines.isEmpty() ? otherwise : lines.get(lines.size() - 1);
    }
}
