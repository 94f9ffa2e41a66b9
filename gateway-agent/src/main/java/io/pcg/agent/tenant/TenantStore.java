package io.pcg.agent.tenant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pcg.agent.state.AgentState;
import io.pcg.agent.state.StateStorage;
import io.pcg.common.errors.OperatorException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tenant clusters this gateway manages, as {@code tenant-clusters.json} in the agent's state ({@link AgentState}:
 * the state folder, the gateway cluster after the pivot), so a restarted agent or the replica that leads next resumes
 * each where it stopped. Holds no secret.
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

    private static final String RETRY_READ = "Check that the management cluster answers, or restore the agent's state"
            + " from a backup; the agent retries.";
    private static final String RETRY_WRITE =
            "Check that the disk has room and the management cluster answers; the agent retries.";

    private final StateStorage storage;

    @Inject
    public TenantStore(AgentState state) {
        this((StateStorage) state);
        state.share(FILE);
    }

    TenantStore(StateStorage storage) {
        this.storage = storage;
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

    /**
     * Keeps tenant cluster {@code name}'s kubeconfig (from CAPI's Secret, before that Secret moves into the tenant
     * cluster with the pivot): the gateway's only way back into a pivoted cluster, so it is shared like the records.
     */
    void saveKubeconfig(String name, byte[] kubeconfig) throws OperatorException {
        try {
            storage.write(kubeconfigName(name), kubeconfig);
        } catch (IOException e) {
            throw failed("write tenant cluster " + name + "'s kubeconfig", kubeconfigName(name), e, RETRY_WRITE);
        }
    }

    /** The kubeconfig {@link #saveKubeconfig} kept, empty if none. */
    Optional<byte[]> kubeconfig(String name) throws OperatorException {
        try {
            return storage.read(kubeconfigName(name));
        } catch (IOException e) {
            throw failed("read tenant cluster " + name + "'s kubeconfig", kubeconfigName(name), e, RETRY_READ);
        }
    }

    void removeKubeconfig(String name) throws OperatorException {
        try {
            storage.delete(kubeconfigName(name));
        } catch (IOException e) {
            throw failed("delete tenant cluster " + name + "'s kubeconfig", kubeconfigName(name), e, RETRY_WRITE);
        }
    }

    /** Its name in the state: in the state folder, the file the tools are given. */
    static String kubeconfigName(String name) {
        return "tenants/" + name + ".kubeconfig";
    }

    private SortedMap<String, TenantRecord> load() throws OperatorException {
        try {
            Optional<byte[]> stored = storage.read(FILE);
            return stored.isEmpty() ? new TreeMap<>() : JSON.readValue(stored.get(), RECORDS);
        } catch (IOException e) {
            throw failed("read the tenant clusters' state", FILE, e, RETRY_READ);
        }
    }

    private void store(SortedMap<String, TenantRecord> records) throws OperatorException {
        try {
            storage.write(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(records));
        } catch (IOException e) {
            throw failed("write the tenant clusters' state", FILE, e, RETRY_WRITE);
        }
    }

    private OperatorException failed(String what, String name, IOException e, String hint) {
        return new OperatorException(
                UNREADABLE, "cannot " + what + " (" + storage.describe(name) + "): " + e.getMessage(), hint, e);
    }
}
