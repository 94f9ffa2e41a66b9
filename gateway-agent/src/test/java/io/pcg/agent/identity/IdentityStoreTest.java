package io.pcg.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.secrets.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    private static final AgentIdentity IDENTITY = new AgentIdentity(
            "gw-1", Secret.of("-----BEGIN PRIVATE KEY-----\nKEYBODY\n-----END PRIVATE KEY-----\n"), "CERT", "CA");

    @TempDir
    Path stateDir;

    @Test
    void emptyWhenNothingStored() {
        assertThat(new IdentityStore(stateDir).load()).isEmpty();
    }

    @Test
    void savesAndLoadsTheIdentityWithTheKeyReadableByTheOwnerOnly() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(IDENTITY);

        AgentIdentity loaded = store.load().orElseThrow();
        assertThat(loaded.gatewayId()).isEqualTo("gw-1");
        assertThat(loaded.privateKeyPem()).isEqualTo(IDENTITY.privateKeyPem());
        assertThat(loaded.certificatePem()).isEqualTo("CERT");
        assertThat(loaded.caBundlePem()).isEqualTo("CA");
        Path directory = stateDir.resolve("identity");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("key.pem"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                .isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("key.pem", "cert.pem", "ca.pem", "gateway-id");
        }
        assertThat(loaded.toString()).doesNotContain("KEYBODY");
    }

    @Test
    void savingAgainReplacesTheIdentity() {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(IDENTITY);
        store.save(new AgentIdentity("gw-2", Secret.of("KEY2"), "CERT2", "CA2"));

        AgentIdentity loaded = store.load().orElseThrow();
        assertThat(loaded.gatewayId()).isEqualTo("gw-2");
        assertThat(loaded.privateKeyPem().reveal()).isEqualTo("KEY2");
        assertThat(loaded.certificatePem()).isEqualTo("CERT2");
        assertThat(loaded.caBundlePem()).isEqualTo("CA2");
        assertThat(stateDir.resolve("identity.next")).doesNotExist();
        assertThat(stateDir.resolve("identity.previous")).doesNotExist();
    }

    @Test
    void aReplacementInterruptedBetweenItsRenamesIsFinishedOnLoad() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(new AgentIdentity("gw-2", Secret.of("KEY2"), "CERT2", "CA2"));
        // As a crash after the old identity moved away and before the new one moved in leaves it.
        Files.move(stateDir.resolve("identity"), stateDir.resolve("identity.next"));

        AgentIdentity loaded = store.load().orElseThrow();

        assertThat(loaded.certificatePem()).isEqualTo("CERT2");
        assertThat(loaded.privateKeyPem().reveal()).isEqualTo("KEY2");
        assertThat(stateDir.resolve("identity.next")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("identity/key.pem"))))
                .isEqualTo("rw-------");
    }

    @Test
    void deletingForgetsTheWholeIdentityAndAReplacementUnderWay() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(IDENTITY);
        // A renewal interrupted before its renames: load() would otherwise move it into place again.
        new IdentityStore(stateDir.resolve("elsewhere"))
                .save(new AgentIdentity("gw-1", Secret.of("KEY2"), "CERT2", "CA2"));
        Files.move(stateDir.resolve("elsewhere/identity"), stateDir.resolve("identity.next"));

        store.delete();

        assertThat(store.exists()).isFalse();
        assertThat(store.load()).isEmpty();
        try (Stream<Path> left = Files.list(stateDir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("elsewhere");
        }
        store.delete(); // a repeat, as after a restart half-way, changes nothing
        assertThat(store.load()).isEmpty();
    }

    @Test
    void aDeletionStoppedAfterItsRenameIsFinishedByTheNext() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(IDENTITY);
        Files.move(stateDir.resolve("identity"), stateDir.resolve("identity.deleted"));

        assertThat(store.exists()).as("a renamed identity is no identity").isFalse();
        store.delete();

        assertThat(stateDir.resolve("identity.deleted")).doesNotExist();
    }

    @Test
    void anIncompleteIdentitySaysHowToRecover() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(IDENTITY);
        Files.delete(stateDir.resolve("identity/cert.pem"));

        assertThatThrownBy(store::load)
                .hasMessageContaining("incomplete")
                .hasMessageContaining("pair again")
                .hasMessageNotContaining("KEYBODY");
    }
}
