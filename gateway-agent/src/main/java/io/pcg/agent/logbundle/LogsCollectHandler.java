package io.pcg.agent.logbundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.command.AgentCommand;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.CommandHandler;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.events.SafeText;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.FileTrees;
import io.pcg.common.process.ProcessCommandRunner;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code logs.collect} (payload {@code {}}): runs collect-logs.sh into a folder of its own under
 * {@code <state-dir>/log-bundles/}, uploads the bundle to the console over {@link BundleUpload} tied to the command id,
 * checks the console's receipt against the bundle's size and SHA-256, and answers with the receipt. A transfer the
 * connection broke off is sent once more (on the next connection); a refusal is not. The bundle is deleted from the
 * appliance either way: the console has it, or the operator asks again.
 */
@Singleton
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public final class LogsCollectHandler implements CommandHandler {

    public static final String TYPE = "logs.collect";
    public static final String INVALID_REQUEST = "LOGS_INVALID_REQUEST";
    public static final String UPLOAD_REFUSED = "LOGS_UPLOAD_REFUSED";
    public static final String UPLOAD_FAILED = "LOGS_UPLOAD_FAILED";
    /** Folder of the state directory the bundles are written to until they are uploaded. */
    static final String FOLDER = "log-bundles";

    private static final Logger LOG = LoggerFactory.getLogger(LogsCollectHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogCollector collector;
    private final BundleUpload upload;
    private final Path folder;
    /** Collections under way: every other folder in {@link #folder} was left by an agent that stopped mid-way. */
    private final Set<Path> running = ConcurrentHashMap.newKeySet();

    @Inject
    public LogsCollectHandler(LogBundleConfig config, AgentConfig agent, BundleUpload upload) {
        this(
                new LogCollector(config, new ProcessCommandRunner(config.timeout())),
                upload,
                agent.stateDir().resolve(FOLDER));
    }

    LogsCollectHandler(LogCollector collector, BundleUpload upload, Path folder) {
        this.collector = collector;
        this.upload = upload;
        this.folder = folder;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(AgentCommand command) throws CommandFailedException {
        requireEmpty(command.payloadJson());
        Path outDir = newFolder();
        try {
            LogBundle bundle = collector.collect(outDir);
            LOG.info(
                    "command {}: collected {} ({} bytes, SHA-256 {}); uploading it to the console",
                    command.id(),
                    bundle.fileName(),
                    bundle.sizeBytes(),
                    bundle.sha256());
            BundleUpload.Receipt receipt = send(command.id(), bundle);
            if (receipt.sizeBytes() != bundle.sizeBytes() || !receipt.sha256().equals(bundle.sha256())) {
                throw new CommandFailedException(
                        UPLOAD_FAILED,
                        "the console stored " + receipt.sizeBytes()
                                + " bytes with SHA-256 " + receipt.sha256() + " for a bundle of " + bundle.sizeBytes()
                                + " bytes with SHA-256 " + bundle.sha256(),
                        "Send logs.collect again.");
            }
            LOG.info(
                    "command {}: the console stored {} as bundle {}",
                    command.id(),
                    bundle.fileName(),
                    receipt.bundleId());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("bundleId", receipt.bundleId());
            result.put("fileName", bundle.fileName());
            result.put("sizeBytes", receipt.sizeBytes());
            result.put("sha256", receipt.sha256());
            return JSON.writeValueAsString(result);
        } catch (OperatorException e) {
            throw CommandFailedException.of(e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the logs.collect result", e);
        } finally {
            running.remove(outDir);
            deleteTree(outDir);
        }
    }

    /** One more try after a broken-off transfer: it waits for the next connection, as the command result does. */
    private BundleUpload.Receipt send(String commandId, LogBundle bundle) throws CommandFailedException {
        try {
            return upload.send(commandId, bundle);
        } catch (BundleUpload.UploadException first) {
            if (first.kind() != BundleUpload.UploadException.Kind.LINK_LOST) {
                throw refusedOrFailed(first);
            }
            LOG.warn(
                    "command {}: the upload of {} broke off ({}); sending it once more",
                    commandId,
                    bundle.fileName(),
                    SafeText.of(first.getMessage()));
            try {
                return upload.send(commandId, bundle);
            } catch (BundleUpload.UploadException second) {
                throw refusedOrFailed(second);
            }
        }
    }

    private static CommandFailedException refusedOrFailed(BundleUpload.UploadException e) {
        return e.kind() == BundleUpload.UploadException.Kind.REFUSED
                ? new CommandFailedException(
                        UPLOAD_REFUSED,
                        "the console refused the bundle: " + SafeText.of(e.getMessage()),
                        "If the bundle is too large, collect less (e.g. '--max-lines 2000' in pcg.agent.log-bundle.arguments);"
                                + " otherwise send logs.collect again.")
                : new CommandFailedException(
                        UPLOAD_FAILED,
                        "the bundle could not be uploaded: " + SafeText.of(e.getMessage())
                                + "; the console stored nothing",
                        "Check the gateway's connection to the console, then send logs.collect again.");
    }

    private static void requireEmpty(String payloadJson) throws CommandFailedException {
        JsonNode payload;
        try {
            payload = JSON.readTree(payloadJson);
        } catch (JsonProcessingException e) {
            payload = null;
        }
        if (payload == null || !payload.isObject() || !payload.isEmpty()) {
            throw new CommandFailedException(
                    INVALID_REQUEST,
                    TYPE + " takes an empty JSON object as its payload",
                    "Send {} as the payload; what is collected is set on the appliance (pcg.agent.log-bundle.*).");
        }
    }

    /** A fresh folder for one collection; folders left by an agent that stopped mid-way are removed first. */
    private synchronized Path newFolder() throws CommandFailedException {
        try {
            Files.createDirectories(folder);
            try (Stream<Path> left = Files.list(folder)) {
                left.filter(path -> !running.contains(path)).forEach(LogsCollectHandler::deleteTree);
            }
            Path outDir = Files.createTempDirectory(folder, "collect-");
            running.add(outDir);
            return outDir;
        } catch (IOException | UncheckedIOException e) {
            throw new CommandFailedException(
                    LogCollector.COLLECTION_FAILED,
                    "cannot create a folder for the bundle in " + folder + " ("
                            + e.getClass().getSimpleName() + ")",
                    "Check the free space and permissions of the agent's state directory (pcg.agent.state-dir).");
        }
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            LOG.warn(
                    "cannot delete {} ({}); the next logs.collect tries again",
                    root,
                    e.getClass().getSimpleName());
        }
    }
}
