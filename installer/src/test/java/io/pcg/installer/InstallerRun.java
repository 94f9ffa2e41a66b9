package io.pcg.installer;

import io.pcg.common.process.CommandRunner;
import io.pcg.installer.validation.VmAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the installer CLI in-process against a fake host and captures what it printed. */
public record InstallerRun(int exitCode, String stdout, String stderr) {

    public static InstallerRun run(Host host, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = InstallerMain.execute(host, new PrintWriter(out), new PrintWriter(err), args);
        return new InstallerRun(exitCode, out.toString(), err.toString());
    }

    /** A host with no OVF transport, one VM address and a command runner that records and succeeds. */
    public static Host fakeHost(List<List<String>> commandsRun) {
        CommandRunner recorder = command -> {
            commandsRun.add(command);
            return new CommandRunner.Result(0, "", "");
        };
        return new Host(recorder, () -> List.of(VmAddress.parse(OvfEnvFixture.VM_NETWORK)), List.of());
    }

    public static Host fakeHost() {
        return fakeHost(new ArrayList<>());
    }

    /** Every regular file under root, as target path ("/etc/issue") to its content. */
    public static Map<String, String> filesUnder(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put("/" + root.relativize(file), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    public static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
