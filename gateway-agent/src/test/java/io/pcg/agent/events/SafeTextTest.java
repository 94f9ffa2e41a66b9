package io.pcg.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTextTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "Node pcg-gw-1 is ready                              | Node pcg-gw-1 is ready",
                "proxy http://u:p4ss@proxy:3128 refused              | proxy http://u:<redacted>@proxy:3128 refused",
                "clone from https://vc1.example.net/sdk              | clone from https://vc1.example.net/sdk",
                "login failed: password=hunter2, user=admin          | login failed: password=<redacted>, user=admin",
                "Password: 'two words' rejected                      | Password: <redacted> rejected",
                "token = abc.def.ghi expired                         | token = <redacted> expired",
                "https://h/x?api_key=k3y&page=2                      | https://h/x?api_key=<redacted>&page=2",
                "`{\"password\": \"a \\\" b\", \"user\": \"admin\"}` | `{\"password\": \"<redacted>\", \"user\": \"admin\"}`",
                "`{\"pin\":12345678}`                                | `{\"pin\":\"<redacted>\"}`",
                "Authorization: Bearer eyJhbGciOi.x.y                | Authorization: Bearer <redacted>",
                "PIN expired                                         | PIN expired",
            })
    void redactsWhatLooksLikeASecretAndKeepsTheRest(String text, String safe) {
        assertThat(SafeText.of(text)).isEqualTo(safe);
    }

    @Test
    void privateKeysAreRemovedWhole() {
        String key =
                "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
        assertThat(SafeText.of("bad identity: " + key + " (regenerate)"))
                .isEqualTo("bad identity: <redacted> (regenerate)");
        assertThat(SafeText.of("cut short: -----BEGIN EC PRIVATE KEY-----\nMIGHAgEAMBMG"))
                .isEqualTo("cut short: <redacted>");
    }

    @Test
    void longTextIsCutAndNullIsEmpty() {
        assertThat(SafeText.of("x".repeat(5000))).hasSize(SafeText.MAX_LENGTH).endsWith("…");
        assertThat(SafeText.of(null)).isEmpty();
    }
}
