package io.pcg.agent.tenant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pcg.agent.config.AgentConfig;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.AtomicFiles;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tenant clusters this gateway manages, in {@code <state-dir>/tenant-clusters.json} (0600, written atomically),
 * so a restarted agent resumes each where it stopped. Holds no secret.
 */
@Singleton
public class TenantStore {

    static final String FILE = "tenant-clusters.json";
    static final String UNREADABLE = "TENANT_STATE_UNREADABLE";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<TreeMap<String, TenantRecord>> RECORDS = new TypeReference<>() {};

    private final Path file;

    @Inject
    public TenantStore(AgentConfig config) {
        this(config.stateDir().resolve(FILE));
    }

    TenantStore(Path file) {
        this.file = file;
    }

    /** Every tenant cluster by name. */
    public synchronized List<TenantRecord> all() throws OperatorException {
        return List.copyOf(load().values());
    }

    /** The names of the tenant clusters, sorted. */
    public synchronized List<String> names() throws OperatorException {
        return List.copyOf(load().keySet());
    }

    synchronized Optional<TenantRecord> get(String name) throws OperatorException {
        return Optional.ofNullable(load().get(name));
    }

    /** Stores the record; a record equal to the stored one writes nothing (the loop saves what it saw on every pass). */
    synchronized void save(TenantRecord record) throws OperatorException {
        SortedMap<String, TenantRecord> records = load();
        if (!record.equals(records.put(record.name(), record))) {
            store(records);
        }
    }

    synchronized void remove(String name) throws OperatorException {
        SortedMap<String, TenantRecord> records = load();
        if (records.remove(name) != null) {
            store(records);
        }
    }

    private SortedMap<String, TenantRecord> load() throws OperatorException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(file.toFile(), RECORDS);
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot read the tenant clusters' state " + file + ": " + e.getMessage(),
                    "Restore the file from a backup of the state folder; 'pcg logs' keeps it.",
                    e);
        }
    }

    private void store(SortedMap<String, TenantRecord> records) throws OperatorException {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(records), AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot write the tenant clusters' state " + file + ": " + e.getMessage(),
                    "Check that the disk has room; the agent retries.",
                    e);
        }
    }
}
