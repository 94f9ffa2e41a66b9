package io.pcg.agent.identity;

import io.pcg.common.files.AtomicFiles;
import io.pcg.common.secrets.Secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the agent's identity under {@code <stateDir>/identity/}: {@code key.pem} (0600), {@code cert.pem},
 * {@code ca.pem} and {@code gateway-id}, each written by {@link AtomicFiles}, so a crash never leaves a half-written
 * or briefly world-readable key. The gateway id is written last: its presence marks a complete identity.
 */
public final class IdentityStore {

    static final String DIRECTORY = "identity";
    static final String KEY_FILE = "key.pem";
    static final String CERTIFICATE_FILE = "cert.pem";
    static final String CA_FILE = "ca.pem";
    static final String GATEWAY_ID_FILE = "gateway-id";

    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    public IdentityStore(Path stateDir) {
        this.directory = stateDir.resolve(DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    public Optional<AgentIdentity> load() {
        Path idFile = directory.resolve(GATEWAY_ID_FILE);
        if (!Files.isRegularFile(idFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AgentIdentity(
                    Files.readString(idFile, StandardCharsets.UTF_8).strip(),
                    Secret.of(Files.readString(directory.resolve(KEY_FILE), StandardCharsets.UTF_8)),
                    Files.readString(directory.resolve(CERTIFICATE_FILE), StandardCharsets.UTF_8),
                    Files.readString(directory.resolve(CA_FILE), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("identity in " + directory + " is incomplete or unreadable (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); delete the folder and pair again with a new PIN", e);
        }
    }

    public void save(AgentIdentity identity) {
        try {
            Files.createDirectories(directory, posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY)} : new FileAttribute<?>[0]);
            AtomicFiles.write(directory.resolve(KEY_FILE), identity.privateKeyPem().reveal(), AtomicFiles.OWNER_ONLY);
            AtomicFiles.write(directory.resolve(CERTIFICATE_FILE), identity.certificatePem(), AtomicFiles.WORLD_READABLE);
            AtomicFiles.write(directory.resolve(CA_FILE), identity.caBundlePem(), AtomicFiles.WORLD_READABLE);
            AtomicFiles.write(directory.resolve(GATEWAY_ID_FILE), identity.gatewayId() + "\n", AtomicFiles.WORLD_READABLE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the identity to " + directory + ": " + e.getMessage()
                    + "; check that the state directory exists and is writable by the agent's user", e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
