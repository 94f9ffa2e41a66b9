package io.pcg.testkit.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tinyproxies for the current test: each test starts the ones it needs (which ports CONNECT may reach is part of
 * what it tests), and all of them stop after it. Register it on an instance field:
 * <pre>{@code
 * @RegisterExtension
 * final TinyproxyExtension proxies = new TinyproxyExtension();
 * ... Tinyproxy proxy = proxies.start("user", "password", consolePort); ...
 * }</pre>
 */
public final class TinyproxyExtension implements AfterEachCallback {

    private final List<Tinyproxy> started = new ArrayList<>();
    private Path directory;

    /** Starts a proxy with basic auth that may CONNECT only to {@code connectPorts}; see {@link Tinyproxy#start}. */
    public Tinyproxy start(String user, String password, int... connectPorts) {
        try {
            if (directory == null) {
                directory = Files.createTempDirectory("pcg-tinyproxy-");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for tinyproxy", e);
        }
        Tinyproxy proxy = Tinyproxy.start(directory, user, password, connectPorts);
        started.add(proxy);
        return proxy;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        started.forEach(Tinyproxy::close);
        started.clear();
        if (directory != null) {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
            directory = null;
        }
    }
}
