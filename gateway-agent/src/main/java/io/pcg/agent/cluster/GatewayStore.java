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
import io.pcg.agent.config.AgentConfig;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the {@link GatewayRecord} in {@code <state-dir>/gateway-cluster.json} (0600, written atomically), so the
 * phase survives a restart before any cluster exists.
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

    private final Path file;

    public GatewayStore(AgentConfig config) {
        this(config.stateDir().resolve(FILE));
    }

    GatewayStore(Path file) {
        this.file = file;
    }

    synchronized GatewayRecord load() throws OperatorException {
        if (!Files.exists(file)) {
            return GatewayRecord.pending();
        }
        try {
            return JSON.readValue(file.toFile(), GatewayRecord.class);
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot read the gateway's provisioning state " + file + ": " + e.getMessage(),
                    "Reset the gateway from the console to start again; 'pcg logs' keeps the file.",
                    e);
        }
    }

    synchronized void save(GatewayRecord record) throws OperatorException {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record), AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new OperatorException(
                    UNREADABLE,
                    "cannot write the gateway's provisioning state " + file + ": " + e.getMessage(),
                    "Check that the disk has room; the agent retries.",
                    e);
        }
    }
}
