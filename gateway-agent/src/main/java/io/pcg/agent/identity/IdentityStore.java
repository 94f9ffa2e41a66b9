package io.pcg.agent.identity;

import io.pcg.common.files.AtomicFiles;
import io.pcg.common.files.FileTrees;
import io.pcg.common.secrets.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the agent's identity under {@code <stateDir>/identity/}: {@code key.pem} (0600), {@code cert.pem},
 * {@code ca.pem} and {@code gateway-id}, each written by {@link AtomicFiles}, so a crash never leaves a half-written
 * or briefly world-readable key. The gateway id is written last: its presence marks a complete identity.
 * A new identity (pairing, renewal) is written complete into {@code identity.next/} first and then renamed into
 * place, so key and certificate always change together: a crash between the two renames leaves only
 * {@code identity.next/}, which {@link #load()} moves into place.
 */
public final class IdentityStore {

    static final String DIRECTORY = "identity";
    static final String KEY_FILE = "key.pem";
    static final String CERTIFICATE_FILE = "cert.pem";
    static final String CA_FILE = "ca.pem";
    static final String GATEWAY_ID_FILE = "gateway-id";
    static final String NEXT_DIRECTORY = DIRECTORY + ".next";
    static final String PREVIOUS_DIRECTORY = DIRECTORY + ".previous";
    static final String DELETED_DIRECTORY = DIRECTORY + ".deleted";

    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;
    private final Path next;
    private final Path previous;
    private final Path deleted;

    public IdentityStore(Path stateDir) {
        this.directory = stateDir.resolve(DIRECTORY);
        this.next = stateDir.resolve(NEXT_DIRECTORY);
        this.previous = stateDir.resolve(PREVIOUS_DIRECTORY);
        this.deleted = stateDir.resolve(DELETED_DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    /** Whether an identity is stored, complete or about to be moved into place; never reads the key. */
    public boolean exists() {
        return Files.isRegularFile(directory.resolve(GATEWAY_ID_FILE))
                || Files.isRegularFile(next.resolve(GATEWAY_ID_FILE));
    }

    public Optional<AgentIdentity> load() {
        Path idFile = directory.resolve(GATEWAY_ID_FILE);
        try {
            if (!Files.isRegularFile(idFile) && Files.isRegularFile(next.resolve(GATEWAY_ID_FILE))) {
                finishReplacing();
            }
            if (!Files.isRegularFile(idFile)) {
                return Optional.empty();
            }
            return Optional.of(new AgentIdentity(
                    Files.readString(idFile, StandardCharsets.UTF_8).strip(),
                    Secret.of(Files.readString(directory.resolve(KEY_FILE), StandardCharsets.UTF_8)),
                    Files.readString(directory.resolve(CERTIFICATE_FILE), StandardCharsets.UTF_8),
                    Files.readString(directory.resolve(CA_FILE), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "identity in " + directory + " is incomplete or unreadable ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); delete the folder and pair again with a new PIN",
                    e);
        }
    }

    /** Stores a new identity in place of the current one, if any, as one change (see the class comment). */
    public void save(AgentIdentity identity) {
        try {
            FileTrees.delete(next);
            Files.createDirectories(
                    next,
                    posix()
                            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY)}
                            : new FileAttribute<?>[0]);
            AtomicFiles.write(next.resolve(KEY_FILE), identity.privateKeyPem().reveal(), AtomicFiles.OWNER_ONLY);
            AtomicFiles.write(next.resolve(CERTIFICATE_FILE), identity.certificatePem(), AtomicFiles.WORLD_READABLE);
            AtomicFiles.write(next.resolve(CA_FILE), identity.caBundlePem(), AtomicFiles.WORLD_READABLE);
            AtomicFiles.write(next.resolve(GATEWAY_ID_FILE), identity.gatewayId() + "\n", AtomicFiles.WORLD_READABLE);
            if (Files.exists(directory)) {
                FileTrees.delete(previous);
                Files.move(directory, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            finishReplacing();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the identity to " + directory + ": " + e.getMessage()
                            + "; check that the state directory exists and is writable by the agent's user",
                    e);
        }
    }

    /**
     * Forgets the identity (key, certificate, CA bundle, gateway id): the appliance is unpaired and only a new PIN
     * pairs it again. A pending {@code identity.next/} goes first, so {@link #load()} cannot bring it back; the
     * identity folder is then renamed away in one step, so a crash leaves either the whole identity or none, and
     * what was renamed is deleted (again on the next call, should the agent stop half-way). A repeat does nothing.
     */
    public void delete() {
        try {
            FileTrees.delete(next);
            if (Files.exists(directory)) {
                FileTrees.delete(deleted);
                Files.move(directory, deleted, StandardCopyOption.ATOMIC_MOVE);
            }
            FileTrees.delete(deleted);
            FileTrees.delete(previous);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot delete the identity in " + directory + ": " + e.getMessage()
                            + "; delete the folder by hand (rm -rf " + directory + " " + next + ")",
                    e);
        }
    }

    private void finishReplacing() throws IOException {
        Files.move(next, directory, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(previous);
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
