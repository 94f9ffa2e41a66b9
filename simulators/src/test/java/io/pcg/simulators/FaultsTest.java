package io.pcg.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void faultsMatchByMachineNameUntilClearedAndTellTheSimulators() {
        Faults faults = Faults.none();
        AtomicInteger changes = new AtomicInteger();
        faults.onChange(changes::incrementAndGet);

        Faults.Fault clone = faults.failClone("gw-abcde", "no space");
        Faults.Fault stuck = faults.neverReady(name -> name.startsWith("gw-"));

        assertThat(faults.cloneError("gw-abcde")).contains("no space");
        assertThat(faults.cloneError("gw-other")).isEmpty();
        assertThat(faults.isNeverReady("gw-other")).isTrue();
        assertThat(faults.active()).containsExactly(clone, stuck);

        clone.clear();
        clone.clear();
        assertThat(faults.cloneError("gw-abcde")).isEmpty();
        faults.clearAll();
        assertThat(faults.isNeverReady("gw-other")).isFalse();
        assertThat(changes).hasValue(4);
    }

    @Test
    void aCloneFaultNeedsAMessage() {
        assertThatThrownBy(() -> Faults.none().failClone("gw-1", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
