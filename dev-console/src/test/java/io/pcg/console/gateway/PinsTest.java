package io.pcg.console.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinsTest {

    @TempDir
    Path dataDir;

    @Test
    void pinsAreEightUpperCaseLettersAndDigits() {
        Pins pins = new Pins(dataDir);
        Set<String> seen = new HashSet<>();
        Set<Character> characters = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String pin = pins.generate();
            assertThat(pin).matches("[A-Z0-9]{8}");
            seen.add(pin);
            pin.chars().forEach(c -> characters.add((char) c));
        }
        assertThat(seen).as("no repeats among 2000 random PINs").hasSize(2000);
        assertThat(characters).as("every letter and digit gets drawn").hasSize(Pins.ALPHABET.length());
    }

    @Test
    void hashMatchesOnlyTheSamePinAndForgivesCaseAndBlanks() {
        Pins pins = new Pins(dataDir);
        String hash = pins.hash("AB12CD34");
        assertThat(hash).doesNotContain("AB12CD34");
        assertThat(pins.matches("AB12CD34", hash)).isTrue();
        assertThat(pins.matches(" ab12cd34\n", hash)).isTrue();
        assertThat(pins.matches("AB12CD35", hash)).isFalse();
        assertThat(pins.matches("", hash)).isFalse();
        assertThat(pins.matches(null, hash)).isFalse();
        assertThat(pins.matches("AB12CD34", "not-hex")).isFalse();
    }

    @Test
    void keyIsPrivateAndSurvivesRestartButDiffersPerConsole(@TempDir Path otherConsole) throws Exception {
        String hash = new Pins(dataDir).hash("AB12CD34");
        assertThat(new Pins(dataDir).matches("AB12CD34", hash)).isTrue();
        assertThat(new Pins(otherConsole).matches("AB12CD34", hash)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(Pins.KEY_FILE))))
                .isEqualTo("rw-------");
    }
}
