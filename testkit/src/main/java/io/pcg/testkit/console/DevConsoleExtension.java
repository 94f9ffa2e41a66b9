package io.pcg.testkit.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link DevConsole} for tests, in one of two lifetimes:
 * <ul>
 *   <li>{@link #shared()}: one console for the whole JVM, started on first use and stopped when the test run ends.
 *       For tests that create gateways under names of their own and never stop the console.</li>
 *   <li>{@link #perTest()}: a fresh console (folder, CA, port) for every test, for tests that reuse gateway names,
 *       lock gateways or restart the console ({@link #restart()}).</li>
 * </ul>
 * <pre>{@code
 * @RegisterExtension
 * static final DevConsoleExtension CONSOLE = DevConsoleExtension.shared();
 * ... CONSOLE.console().createGateway("pcg-dc1") ...
 * }</pre>
 * Register {@code shared()} on a static field and {@code perTest()} on an instance field.
 */
public final class DevConsoleExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(DevConsoleExtension.class);

    private final boolean shared;
    private final Map<String, Object> properties;
    private DevConsole console;

    private DevConsoleExtension(boolean shared, Map<String, Object> properties) {
        this.shared = shared;
        this.properties = properties;
    }

    public static DevConsoleExtension shared() {
        return new DevConsoleExtension(true, Map.of());
    }

    public static DevConsoleExtension perTest() {
        return perTest(Map.of());
    }

    /** @param properties console settings for every test's console, e.g. a short {@code pcg.console.client-cert-lifetime} */
    public static DevConsoleExtension perTest(Map<String, Object> properties) {
        return new DevConsoleExtension(false, Map.copyOf(properties));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            console = context.getRoot()
                    .getStore(STORE)
                    .getOrComputeIfAbsent(
                            SharedConsole.class,
                            key -> new SharedConsole(DevConsole.start(newDataDir(), 0)),
                            SharedConsole.class)
                    .console;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!shared) {
            console = DevConsole.start(newDataDir(), 0, properties);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!shared) {
            stopAndDelete(console);
            console = null;
        }
    }

    /** The running console. */
    public DevConsole console() {
        if (console == null) {
            throw new IllegalStateException("the dev-console is not running: register DevConsoleExtension with"
                    + " @RegisterExtension (shared() on a static field, perTest() on an instance field)");
        }
        return console;
    }

    /**
     * Stops the console if it still runs and starts it again on the same port and folder, as a real console restart:
     * CA, gateways and PIN state survive. Only for {@link #perTest()} consoles.
     */
    public DevConsole restart() {
        if (shared) {
            throw new IllegalStateException(
                    "a shared dev-console serves other tests too and cannot restart; use perTest()");
        }
        DevConsole previous = console();
        previous.close();
        console = DevConsole.start(previous.dataDir(), previous.grpcPort(), previous.properties());
        return console;
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("pcg-dev-console-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data folder for the dev-console", e);
        }
    }

    private static void stopAndDelete(DevConsole console) {
        if (console == null) {
            return;
        }
        console.close();
        try (Stream<Path> paths = Files.walk(console.dataDir())) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    /** Closed by JUnit when the root store closes: at the end of the test run. */
    private record SharedConsole(DevConsole console) implements AutoCloseable {
        @Override
        public void close() {
            stopAndDelete(console);
        }
    }
}
