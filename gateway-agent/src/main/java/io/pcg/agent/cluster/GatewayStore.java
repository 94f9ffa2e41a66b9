package io.pcg.agent.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.pcg.agent.state.AgentState;
import io.pcg.agent.state.StateStorage;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Optional;

/**
 * Keeps the {@link GatewayRecord} as {@code gateway-cluster.json} in the agent's state: a 0600 file of the state folder
 * (written atomically), so the phase survives a restart before any cluster exists, and after the pivot a key of the
 * agent's state Secret in the gateway cluster, so the replica that leads next carries on ({@link AgentState}).
 */
@Singleton
public class GatewayStore {

    static final String FILE = "gateway-cluster.json";
    static final String UNREADABLE = "GATEWAY_STATE_UNREADABLE";

    /** Secrets are never written: a Secret field is stored as null and read back empty. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .registerModule(new SimpleModule()
                    .addSerializer(Secret.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Secret value, JsonGenerator generator, SerializerProvider provider)
                                throws IOException {
                            generator.writeNull();
                        }
                    })
                    .addDeserializer(Secret.class, new JsonDeserializer<>() {
                        @Override
                        public Secret deserialize(JsonParser parser, DeserializationContext context) {
                            return Secret.empty();
                        }

                        @Override
                        public Secret getNullValue(DeserializationContext context) {
                            return Secret.empty();
                        }
                    }));

    private final StateStorage storage;

    @Inject
    public GatewayStore(AgentState state) {
        this((StateStorage) state);
        state.share(FILE);
    }

    GatewayStore(StateStorage storage) {
        this.storage = storage;
    }

    synchronized GatewayRecord load() throws OperatorException {
        try {
            Optional<byte[]> stored = storage.read(FILE);
            return stored.isEmpty() ? GatewayRecord.pending() : JSON.readValue(stored.get(), GatewayRecord.class);
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot read the gateway's provisioning state (" + storage.describe(FILE) + "): " + e.getMessage(),
                    "Reset the gateway from the console to start again; 'pcg logs' keeps the file.",
                    e);
        }
    }

    synchronized void save(GatewayRecord record) throws OperatorException {
        try {
            storage.write(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot write the gateway's provisioning state (" + storage.describe(FILE) + "): " + e.getMessage(),
                    "Check that the disk has room and the management cluster answers; the agent retries.",
                    e);
        }
    }
}
