package io.pcg.console.logbundle;

import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.pcg.common.files.AtomicFiles;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.store.DataFiles;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support bundles agents uploaded: {@code <dataDir>/log-bundles/<gatewayId>/<bundleId>.tgz} (0600) with its record
 * beside it as {@code <bundleId>.json} (0600). A bundle is received into {@code <bundleId>.part} and renamed into place
 * only once its size and SHA-256 match what the agent declared, so a listed bundle is always whole; parts left by a
 * console that stopped mid-upload, and the bundles of gateways forgotten meanwhile, are deleted when it starts.
 */
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class LogBundles {

    static final String FOLDER = "log-bundles";
    private static final String BUNDLE = ".tgz";
    private static final String RECORD = ".json";
    private static final String PART = ".part";
    private static final Pattern BUNDLE_ID = Pattern.compile("lb-[0-9a-f]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(LogBundles.class);

    private final Path folder;
    private final JsonMapper json;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public LogBundles(ConsoleConfig config, GatewayStore store, JsonMapper json, Clock clock) {
        this(config.dataDir(), store, json, clock);
    }

    public LogBundles(Path dataDir, GatewayStore store, JsonMapper json, Clock clock) {
        this.folder = dataDir.resolve(FOLDER);
        this.json = json;
        this.clock = clock;
        cleanUp(store);
    }

    /**
     * Starts receiving a bundle; nothing is listed until {@link Incoming#store} succeeds.
     *
     * @param sizeBytes the size the agent declared
     * @param sha256    the SHA-256 the agent declared
     */
    public Incoming receive(String gatewayId, String commandId, String fileName, long sizeBytes, String sha256) {
        String id = "lb-" + HexFormat.of().formatHex(bytes(6));
        Path directory = folder.resolve(gatewayId);
        try {
            Files.createDirectories(directory);
            Path part = directory.resolve(id + PART);
            OutputStream out = Files.newOutputStream(
                    Files.createFile(part, PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY)),
                    StandardOpenOption.WRITE);
            return new Incoming(
                    new LogBundleRecord(id, gatewayId, commandId, fileName, sizeBytes, sha256, null), part, out);
        } catch (IOException e) {
            throw failed("create a bundle in", directory, e);
        }
    }

    /** The gateway's bundles, oldest first. */
    public List<LogBundleRecord> list(String gatewayId) {
        Path directory = folder.resolve(gatewayId);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<LogBundleRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(RECORD))
                    .toList()) {
                read(file).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw failed("read", directory, e);
        }
        records.sort(Comparator.comparing(LogBundleRecord::storedAt).thenComparing(LogBundleRecord::id));
        return records;
    }

    /** @throws ConsoleException NOT_FOUND when the gateway has no bundle with that id */
    public LogBundleRecord get(String gatewayId, String bundleId) {
        Optional<LogBundleRecord> record = BUNDLE_ID.matcher(bundleId).matches()
                ? read(folder.resolve(gatewayId).resolve(bundleId + RECORD))
                : Optional.empty();
        return record.orElseThrow(() -> new ConsoleException(
                ConsoleException.Kind.NOT_FOUND,
                "gateway " + gatewayId + " has no log bundle '" + bundleId + "'; GET /api/gateways/" + gatewayId
                        + "/log-bundles lists them"));
    }

    /** Where the bundle's bytes are. */
    public Path file(LogBundleRecord record) {
        return folder.resolve(record.gatewayId()).resolve(record.id() + BUNDLE);
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private Optional<LogBundleRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readValue(Files.readAllBytes(file), LogBundleRecord.class));
        } catch (IOException e) {
            LOG.warn(
                    "skipping the unreadable log bundle record {} ({})",
                    file,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private void cleanUp(GatewayStore store) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> gateways = Files.list(folder)) {
            for (Path directory : gateways.toList()) {
                boolean known = store.find(directory.getFileName().toString()).isPresent();
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.toList()) {
                        if (!known || file.getFileName().toString().endsWith(PART)) {
                            Files.delete(file);
                        }
                    }
                }
                if (!known) {
                    Files.delete(directory);
                }
            }
        } catch (IOException e) {
            throw failed("clean up", folder, e);
        }
    }

    private static UncheckedIOException failed(String action, Path path, IOException e) {
        return new UncheckedIOException(
                "cannot " + action + " " + path + ": " + e.getMessage()
                        + " (check that the console's data directory is writable and has space)",
                e);
    }

    /** One bundle being received: bytes go to its part file and its digest as they come. Not thread-safe. */
    public final class Incoming {

        private final LogBundleRecord declared;
        private final Path part;
        private final OutputStream out;
        private final MessageDigest digest;
        private long received;
        private boolean ended;

        private Incoming(LogBundleRecord declared, Path part, OutputStream out) {
            this.declared = declared;
            this.part = part;
            this.out = out;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        /** @throws LogBundleRefusedException (CORRUPTED) when the bytes run past the declared size; the part is gone then */
        public void write(byte[] data) throws LogBundleRefusedException {
            if (received + data.length > declared.sizeBytes()) {
                discard();
                throw new LogBundleRefusedException(
                        LogBundleRefusedException.Reason.CORRUPTED,
                        "the agent sent more than the " + declared.sizeBytes() + " bytes it declared");
            }
            try {
                out.write(data);
            } catch (IOException e) {
                discard();
                throw failed("write", part, e);
            }
            digest.update(data);
            received += data.length;
        }

        /**
         * Checks size and SHA-256, then stores the bundle and its record, replacing an earlier bundle of the same
         * command (an agent that lost the receipt sends again).
         *
         * @throws LogBundleRefusedException (CORRUPTED) when they differ from what was declared; the part is gone then
         */
        public LogBundleRecord store() throws LogBundleRefusedException {
            try {
                out.close();
            } catch (IOException e) {
                discard();
                throw failed("write", part, e);
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            if (received != declared.sizeBytes()) {
                discard();
                throw new LogBundleRefusedException(
                        LogBundleRefusedException.Reason.CORRUPTED,
                        "the upload ended after " + received + " of the " + declared.sizeBytes() + " bytes declared");
            }
            if (!sha256.equals(declared.sha256())) {
                discard();
                throw new LogBundleRefusedException(
                        LogBundleRefusedException.Reason.CORRUPTED,
                        "the bytes received have" + " SHA-256 " + sha256 + ", not the " + declared.sha256()
                                + " declared: the bundle was corrupted on the way");
            }
            ended = true;
            LogBundleRecord stored = new LogBundleRecord(
                    declared.id(),
                    declared.gatewayId(),
                    declared.commandId(),
                    declared.fileName(),
                    received,
                    sha256,
                    clock.instant());
            List<LogBundleRecord> earlier = list(declared.gatewayId()).stream()
                    .filter(record -> record.commandId().equals(declared.commandId()))
                    .toList();
            try {
                Files.move(part, file(stored), StandardCopyOption.ATOMIC_MOVE);
                DataFiles.writePrivate(part.resolveSibling(stored.id() + RECORD), json.writeValueAsBytes(stored));
                for (LogBundleRecord replaced : earlier) {
                    Files.deleteIfExists(part.resolveSibling(replaced.id() + RECORD));
                    Files.deleteIfExists(file(replaced));
                }
            } catch (IOException e) {
                throw failed("store", file(stored), e);
            }
            return stored;
        }

        /** Forgets what was received (the upload broke off or was refused); a repeat does nothing. */
        public void discard() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                out.close();
                Files.deleteIfExists(part);
            } catch (IOException e) {
                LOG.warn(
                        "cannot delete the partial log bundle {} ({}); it is deleted when the console starts",
                        part,
                        e.getClass().getSimpleName());
            }
        }

        public LogBundleRecord declared() {
            return declared;
        }
    }
}
