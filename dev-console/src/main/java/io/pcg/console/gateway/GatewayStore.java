package io.pcg.console.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.store.DataFiles;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The gateway records, kept in memory and written to {@code <dataDir>/gateways.json} (temp file + rename) on every
 * change, so a restarted console knows every gateway it had. Records that were Online come back Offline: no
 * control stream survives a restart, the agents reconnect by themselves.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayStore {

    public static final String FILE = "gateways.json";
    private static final int FORMAT_VERSION = 1;

    /** What the file holds; versioned so a later console can migrate it. */
    @Serdeable
    record StoredGateways(int version, List<GatewayRecord> gateways) {}

    private final Path file;
    private final JsonMapper json;
    private final Map<String, GatewayRecord> byId = new LinkedHashMap<>();

    @Inject
    public GatewayStore(ConsoleConfig config, JsonMapper json) {
        this(config.dataDir(), json);
    }

    public GatewayStore(Path dataDir, JsonMapper json) {
        this.file = dataDir.resolve(FILE);
        this.json = json;
        load();
    }

    public synchronized Optional<GatewayRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public GatewayRecord get(String id) {
        return find(id).orElseThrow(() -> new UnknownGatewayException(id));
    }

    public synchronized Optional<GatewayRecord> findByName(String name) {
        return byId.values().stream()
                .filter(record -> record.name().equals(name))
                .findFirst();
    }

    public synchronized List<GatewayRecord> all() {
        return List.copyOf(byId.values());
    }

    /** Adds a new record; names are unique because agents pair by name. */
    public synchronized GatewayRecord insert(GatewayRecord record) {
        if (findByName(record.name()).isPresent()) {
            throw new ConsoleException(
                    ConsoleException.Kind.CONFLICT,
                    "a gateway named '" + record.name()
                            + "' already exists; pick another name, or issue a new PIN for it with POST /api/gateways/{id}/pin");
        }
        byId.put(record.id(), record);
        persist();
        return record;
    }

    /** Applies a change to one record atomically with respect to every other change, and persists it. */
    public synchronized GatewayRecord update(String id, UnaryOperator<GatewayRecord> change) {
        GatewayRecord current = get(id);
        GatewayRecord changed = change.apply(current);
        if (!changed.equals(current)) {
            byId.put(id, changed);
            persist();
        }
        return changed;
    }

    /** Forgets a gateway for good; unknown ids are refused like everywhere else. */
    public synchronized GatewayRecord remove(String id) {
        GatewayRecord removed = get(id);
        byId.remove(id);
        persist();
        return removed;
    }

    /**
     * Applies a change that is not worth a disk write on its own (heartbeats: one per gateway every few seconds,
     * each would mean an fsync under the lock every command submission takes). It is written with the next change.
     */
    public synchronized GatewayRecord updateInMemory(String id, UnaryOperator<GatewayRecord> change) {
        GatewayRecord changed = change.apply(get(id));
        byId.put(id, changed);
        return changed;
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        StoredGateways stored;
        try {
            stored = json.readValue(Files.readAllBytes(file), StoredGateways.class);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the gateway records in " + file + ": " + e.getMessage()
                            + " (restore the file from a backup; the CA files beside it must stay)",
                    e);
        }
        if (stored.version() != FORMAT_VERSION) {
            throw new IllegalStateException(file + " has format version " + stored.version()
                    + " but this console reads version " + FORMAT_VERSION);
        }
        for (GatewayRecord record : stored.gateways()) {
            GatewayRecord restored =
                    record.state() == GatewayState.ONLINE ? record.withState(GatewayState.OFFLINE) : record;
            byId.put(restored.id(), restored);
        }
    }

    private void persist() {
        try {
            DataFiles.write(
                    file, json.writeValueAsBytes(new StoredGateways(FORMAT_VERSION, new ArrayList<>(byId.values()))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode gateway records", e);
        }
    }
}
