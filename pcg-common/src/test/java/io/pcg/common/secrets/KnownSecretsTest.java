package io.pcg.common.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class KnownSecretsTest {

    @Test
    void aSecretsValueIsMaskedWhereverItAppears() {
        Secret pin = Secret.of("PIN" + unique());

        assertThat(KnownSecrets.mask("pairing with " + pin.reveal() + " failed; retry " + pin.reveal()))
                .isEqualTo("pairing with *** failed; retry ***");
    }

    @Test
    void shortValuesAreNotRegisteredSoOrdinaryWordsSurvive() {
        Secret.of("admin");

        assertThat(KnownSecrets.mask("user admin logged in")).isEqualTo("user admin logged in");
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        String inner = "inner" + unique();
        KnownSecrets.register(inner);
        KnownSecrets.register("outer-" + inner + "-outer");

        assertThat(KnownSecrets.mask("x outer-" + inner + "-outer y")).isEqualTo("x *** y");
    }

    @Test
    void privateKeyPemBlocksAreMaskedWithoutRegistration() {
        String pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----";

        assertThat(KnownSecrets.mask("key: " + pem + " end")).isEqualTo("key: *** end");
        assertThat(KnownSecrets.mask("cut: -----BEGIN PRIVATE KEY-----\nMIGH")).isEqualTo("cut: ***");
    }

    @Test
    void theOldestValuesGoFirstBeyondTheCapacity() {
        String first = "first" + unique();
        KnownSecrets.register(first);
        for (int i = 0; i < KnownSecrets.CAPACITY; i++) {
            KnownSecrets.register("filler" + unique());
        }

        assertThat(KnownSecrets.mask(first)).isEqualTo(first);
    }

    private static String unique() {
        return UUID.randomUUID().toString();
    }
}
