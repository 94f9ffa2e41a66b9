package io.pcg.agent.cloudaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pcg.common.errors.OperatorException;
import io.pcg.common.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudAccountStoreTest {

    private static final String PASSWORD = "Vc-Passw0rd-7731";
    private static final String USERNAME = "pcg-svc@vsphere.local";
    private static final CloudAccount VCENTER =
            new CloudAccount(CloudAccount.DEFAULT, "vc1.example.net", USERNAME, Secret.of(PASSWORD), "AB:CD:EF");

    @TempDir
    Path stateDir;

    private CloudAccountStore store() {
        return new CloudAccountStore(stateDir);
    }

    private Path accountsFile() {
        return stateDir.resolve(CloudAccountStore.ACCOUNTS_FILE);
    }

    private Path keyFile() {
        return stateDir.resolve(CloudAccountStore.KEY_FILE);
    }

    @Test
    void accountsSurviveARestartAndCanBeListedAndDeleted() throws Exception {
        assertThat(store().list()).isEmpty();
        assertThat(store().defaultAccount()).isEmpty();
        assertThat(Files.exists(keyFile()))
                .as("no key before there is something to encrypt")
                .isFalse();

        CloudAccount lab = new CloudAccount("lab", "10.0.0.5:8443", "root", Secret.of("other-secret"), "");
        store().save(VCENTER);
        store().save(lab);

        CloudAccountStore restarted = store();
        assertThat(restarted.defaultAccount()).contains(VCENTER);
        assertThat(restarted.get("lab")).contains(lab);
        assertThat(restarted.get("lab").orElseThrow().password().reveal()).isEqualTo("other-secret");
        assertThat(restarted.list()).containsExactly(VCENTER, lab);

        CloudAccount rotated =
                new CloudAccount(CloudAccount.DEFAULT, "vc1.example.net", USERNAME, Secret.of("rotated"), "AB:CD:EF");
        restarted.save(rotated);
        assertThat(store().defaultAccount()).contains(rotated);
        assertThat(store().delete("lab")).isTrue();
        assertThat(store().delete("lab")).isFalse();
        assertThat(store().list()).containsExactly(rotated);
    }

    @Test
    void anAccountInUseIsNotDeletedAndTheRefusalNamesItsClusters() throws Exception {
        CloudAccount lab = new CloudAccount("lab", "10.0.0.5", "root", Secret.of("other-secret"), "");
        store().save(VCENTER);
        store().add(lab);
        store().bind("pcg-gateway", CloudAccount.DEFAULT);
        store().bind("tenant-b", "lab");
        store().bind("tenant-a", "lab");

        CloudAccountStore restarted = store();
        assertThat(restarted.clusters())
                .as("every cluster using an account, sorted")
                .containsExactly("pcg-gateway", "tenant-a", "tenant-b");
        assertThat(restarted.users("lab")).containsExactly("tenant-a", "tenant-b");
        assertThat(restarted.users(CloudAccount.DEFAULT)).containsExactly("pcg-gateway");
        OperatorException inUse = catchThrowableOfType(() -> restarted.delete("lab"), OperatorException.class);
        assertThat(inUse.code()).isEqualTo(CloudAccountStore.IN_USE);
        assertThat(inUse.getMessage()).contains("lab", "tenant-a", "tenant-b").doesNotContain("other-secret");
        assertThat(inUse.hint()).isNotBlank();
        assertThat(store().get("lab")).contains(lab);

        store().bind("tenant-a", CloudAccount.DEFAULT);
        store().unbind("tenant-b");
        assertThat(store().users("lab")).isEmpty();
        assertThat(store().delete("lab")).isTrue();
        assertThat(store().users(CloudAccount.DEFAULT)).containsExactly("pcg-gateway", "tenant-a");
    }

    @Test
    void aTakenNameIsNotAddedAndAClusterCannotNameAMissingAccount() throws Exception {
        store().add(VCENTER);
        CloudAccount other = new CloudAccount(CloudAccount.DEFAULT, "vc2.example.net", "x", Secret.of("y"), "");

        assertThat(catchThrowableOfType(() -> store().add(other), OperatorException.class)
                        .code())
                .isEqualTo(CloudAccountStore.EXISTS);
        assertThat(store().defaultAccount()).contains(VCENTER);
        assertThat(catchThrowableOfType(() -> store().bind("tenant-a", "nope"), OperatorException.class)
                        .code())
                .isEqualTo(CloudAccountStore.NOT_FOUND);
    }

    @Test
    void theFileNeverHoldsCredentialsInClearAndEveryWriteHasAFreshNonce() throws Exception {
        store().save(VCENTER);
        byte[] first = Files.readAllBytes(accountsFile());
        store().save(VCENTER);
        byte[] second = Files.readAllBytes(accountsFile());

        for (byte[] content : new byte[][] {first, second}) {
            String text = new String(content, StandardCharsets.ISO_8859_1);
            assertThat(text)
                    .doesNotContain(PASSWORD)
                    .doesNotContain(USERNAME)
                    .doesNotContain("vc1.example.net")
                    .doesNotContain(Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)));
            assertThat(new String(content, StandardCharsets.UTF_16)).doesNotContain(PASSWORD);
        }
        assertThat(nonce(first)).hasSize(CloudAccountStore.NONCE_BYTES).isNotEqualTo(nonce(second));
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void keyAndAccountsAreReadableByTheOwnerOnly() throws Exception {
        store().save(VCENTER);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(accountsFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(keyFile().getParent())))
                .isEqualTo("rwx------");
        assertThat(Files.size(keyFile())).isEqualTo(CloudAccountStore.KEY_BYTES);
        assertThat(Files.list(stateDir).map(path -> path.getFileName().toString()))
                .as("no temp file left behind")
                .containsExactlyInAnyOrder(CloudAccountStore.ACCOUNTS_FILE, "keys");
    }

    @Test
    void aChangedFileIsRefusedClearlyAndNeverOverwritten() throws Exception {
        store().save(VCENTER);
        byte[] stored = Files.readAllBytes(accountsFile());
        String text = new String(stored, StandardCharsets.UTF_8);
        String ciphertext = text.replaceAll("(?s).*\"ciphertext\":\"([^\"]+)\".*", "$1");
        byte[] flipped = Base64.getDecoder().decode(ciphertext);
        flipped[3] ^= 0x01;
        byte[] tampered = text.replace(ciphertext, Base64.getEncoder().encodeToString(flipped))
                .getBytes(StandardCharsets.UTF_8);
        Files.write(accountsFile(), tampered);

        OperatorException refused = refusal(() -> store().defaultAccount());
        assertThat(refused.code()).isEqualTo(CloudAccountStore.UNREADABLE);
        assertThat(refused.getMessage()).contains(accountsFile().toString()).contains("changed or damaged");
        assertThat(refused.hint()).contains("Restore").contains("gateway.configure");

        assertThat(refusal(() -> store().save(VCENTER)).code()).isEqualTo(CloudAccountStore.UNREADABLE);
        assertThat(refusal(() -> store().delete(CloudAccount.DEFAULT)).code()).isEqualTo(CloudAccountStore.UNREADABLE);
        assertThat(Files.readAllBytes(accountsFile())).as("nothing overwritten").isEqualTo(tampered);

        Files.writeString(accountsFile(), "not json at all");
        assertThat(refusal(() -> store().list()).code()).isEqualTo(CloudAccountStore.UNREADABLE);
    }

    @Test
    void anotherKeyOrNoKeyIsRefusedClearly() throws Exception {
        store().save(VCENTER);
        byte[] stored = Files.readAllBytes(accountsFile());
        byte[] key = Files.readAllBytes(keyFile());

        byte[] otherKey = key.clone();
        otherKey[0] ^= 0x01;
        Files.write(keyFile(), otherKey);
        OperatorException wrongKey = refusal(() -> store().defaultAccount());
        assertThat(wrongKey.code()).isEqualTo(CloudAccountStore.WRONG_KEY);
        assertThat(wrongKey.getMessage()).contains(keyFile().toString());
        assertThat(refusal(() -> store().save(VCENTER)).code()).isEqualTo(CloudAccountStore.WRONG_KEY);

        Files.write(keyFile(), new byte[16]);
        assertThat(refusal(() -> store().list()).code()).isEqualTo(CloudAccountStore.KEY_INVALID);

        Files.delete(keyFile());
        OperatorException noKey = refusal(() -> store().save(VCENTER));
        assertThat(noKey.code()).isEqualTo(CloudAccountStore.KEY_MISSING);
        assertThat(Files.exists(keyFile()))
                .as("no new key that would strand the accounts")
                .isFalse();
        assertThat(Files.readAllBytes(accountsFile())).isEqualTo(stored);

        Files.write(keyFile(), key);
        assertThat(store().defaultAccount()).contains(VCENTER);
    }

    @Test
    void thePasswordAppearsInNoTextAboutTheAccount() throws Exception {
        assertThat(VCENTER.toString()).doesNotContain(PASSWORD).contains(Secret.REDACTED);
        store().save(VCENTER);
        Files.write(keyFile(), new byte[CloudAccountStore.KEY_BYTES]);
        OperatorException refused = refusal(() -> store().defaultAccount());
        assertThat(refused.getMessage() + refused.hint())
                .doesNotContain(PASSWORD)
                .doesNotContain(USERNAME);
    }

    @Test
    void anAccountNeedsItsFields() {
        assertThatThrownBy(() -> new CloudAccount("Not A Label", "vc", "u", Secret.of("p"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> new CloudAccount("lab", " ", "u", Secret.of("p"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server");
        assertThatThrownBy(() -> new CloudAccount("lab", "vc", "u", Secret.empty(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password");
        assertThat(new CloudAccount("lab", "vc", "u", Secret.of("p"), null).thumbprint())
                .isEmpty();
    }

    private static byte[] nonce(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        return Base64.getDecoder().decode(text.replaceAll("(?s).*\"nonce\":\"([^\"]+)\".*", "$1"));
    }

    private interface StoreCall {
        void run() throws Exception;
    }

    private static OperatorException refusal(StoreCall call) {
        OperatorException refused = catchThrowableOfType(OperatorException.class, call::run);
        assertThat(refused).as("the store refuses").isNotNull();
        return refused;
    }
}
