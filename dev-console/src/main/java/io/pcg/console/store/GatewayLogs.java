package io.pcg.console.store;

import io.pcg.common.files.AtomicFiles;
import io.pcg.common.files.LineLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@link LineLog} per gateway in a folder of the data directory ({@code <dataDir>/events/<gatewayId>.log},
 * {@code <dataDir>/commands/<gatewayId>.log}), 0600. Like {@link DataFiles}, a failed write is unchecked and says
 * what the operator checks: the console cannot keep its promises without its data directory.
 */
public final class GatewayLogs {

    private static final String SUFFIX = ".log";
    /** Gateway ids are generated ({@code gw-<hex>}); anything else must not become a path. */
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    private final Path directory;

    public GatewayLogs(Path directory) {
        this.directory = directory;
    }

    /**
     * Deletes the logs of gateways the console no longer knows (forgotten before the restart) and returns the ids of
     * those that remain.
     */
    public List<String> keepOnly(Predicate<String> knownGateway) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> ids = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .toList();
            for (String id : ids) {
                if (!knownGateway.test(id)) {
                    Files.delete(file(id));
                }
            }
            return ids.stream().filter(knownGateway).toList();
        } catch (IOException e) {
            throw failed("read", directory, e);
        }
    }

    /** Opens the gateway's log (creating it if missing) and adds its complete lines, oldest first, to {@code lines}. */
    public LineLog open(String gatewayId, List<String> lines) {
        Path file = file(gatewayId);
        try {
            return LineLog.open(file, AtomicFiles.OWNER_ONLY, lines);
        } catch (IOException e) {
            throw failed("open", file, e);
        }
    }

    public void append(LineLog log, String gatewayId, String line) {
        try {
            log.append(line);
        } catch (IOException e) {
            throw failed("append to", file(gatewayId), e);
        }
    }

    public void rewrite(LineLog log, String gatewayId, List<String> lines) {
        try {
            log.rewrite(lines);
        } catch (IOException e) {
            throw failed("rewrite", file(gatewayId), e);
        }
    }

    private Path file(String gatewayId) {
        if (!GATEWAY_ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("'" + gatewayId + "' is not a gateway id");
        }
        return directory.resolve(gatewayId + SUFFIX);
    }

    private static UncheckedIOException failed(String action, Path path, IOException e) {
        return new UncheckedIOException(
                "cannot " + action + " " + path + ": " + e.getMessage()
                        + " (check that the console's data directory is writable and has space)",
                e);
    }
}
