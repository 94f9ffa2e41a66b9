package io.pcg.console.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.serde.ObjectMapper;
import io.pcg.console.ConsoleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayStoreTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dataDir;

    private GatewayStore newStore() {
        return new GatewayStore(dataDir, ObjectMapper.getDefault());
    }

    @Test
    void recordsSurviveARestartAndOnlineComesBackOffline() throws Exception {
        GatewayStore store = newStore();
        store.insert(GatewayRecord.created("gw-1", "pcg-a", "hash-a", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        store.insert(GatewayRecord.created("gw-2", "pcg-b", "hash-b", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        GatewayRecord online = store.update(
                "gw-1",
                gateway -> gateway.paired("abc123", NOW.plus(365, ChronoUnit.DAYS), NOW)
                        .registered(
                                "appliance-1",
                                "0.1.0",
                                List.of("10.10.1.5", "fd00::5"),
                                new GatewayCapacity(4, 8L << 30, 40L << 30),
                                NOW));
        store.update("gw-2", gateway -> gateway.withFailedAttempt(5).withFailedAttempt(5));

        assertThat(Files.list(dataDir).map(path -> path.getFileName().toString()))
                .as("no temp file left behind")
                .containsExactly(GatewayStore.FILE);

        GatewayStore restarted = newStore();
        assertThat(restarted.all()).extracting(GatewayRecord::id).containsExactly("gw-1", "gw-2");
        assertThat(restarted.get("gw-1")).isEqualTo(online.withState(GatewayState.OFFLINE));
        assertThat(restarted.findByName("pcg-b"))
                .get()
                .extracting(GatewayRecord::failedAttempts)
                .isEqualTo(2);
        assertThat(Files.readString(dataDir.resolve(GatewayStore.FILE))).contains("\"version\":1");
    }

    @Test
    void theClusterStatusIsKeptWithTheRecord() {
        GatewayStore store = newStore();
        store.insert(GatewayRecord.created("gw-1", "pcg-a", "hash-a", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        ClusterStatusRecord running = new ClusterStatusRecord(
                "Running",
                List.of(new ClusterStatusRecord.Condition("ControlPlaneReady", "True", "", "3 of 3 ready", NOW)),
                List.of(new ClusterStatusRecord.Node("pcg-gw-abcde", "10.10.1.21", "control-plane", true)),
                "gateway",
                NOW,
                NOW.plusSeconds(1));
        store.update("gw-1", gateway -> gateway.withCluster(running));

        GatewayRecord restarted = newStore().get("gw-1");
        assertThat(restarted.cluster()).isEqualTo(running);
        assertThat(restarted.withState(GatewayState.ONLINE).cluster())
                .as("other changes keep it")
                .isEqualTo(running);
    }

    @Test
    void aDeleteUnderWayIsKeptAcrossChangesAndRestartsAndARemovedGatewayIsGoneForGood() {
        GatewayStore store = newStore();
        store.insert(GatewayRecord.created("gw-1", "pcg-a", "hash-a", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        store.insert(GatewayRecord.created("gw-2", "pcg-b", "hash-b", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        store.update(
                "gw-1",
                gateway -> gateway.withDeleteCommand("cmd-1").heartbeat(NOW).withState(GatewayState.ONLINE));

        assertThat(newStore().get("gw-1").deleteCommandId()).isEqualTo("cmd-1");
        assertThat(newStore().get("gw-1").withDeleteCommand(null).deleteCommandId())
                .isNull();

        assertThat(store.remove("gw-1").name()).isEqualTo("pcg-a");
        assertThat(newStore().all()).extracting(GatewayRecord::id).containsExactly("gw-2");
        assertThat(newStore().findByName("pcg-a")).as("the name is free again").isEmpty();
        assertThatThrownBy(() -> store.remove("gw-1")).isInstanceOf(UnknownGatewayException.class);
    }

    @Test
    void namesAreUniqueAndUnknownIdsSaySo() {
        GatewayStore store = newStore();
        store.insert(GatewayRecord.created("gw-1", "pcg-a", "hash", NOW, NOW.plus(1, ChronoUnit.DAYS)));
        assertThatThrownBy(() -> store.insert(GatewayRecord.created("gw-2", "pcg-a", "hash", NOW, NOW)))
                .isInstanceOf(ConsoleException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.get("gw-9"))
                .isInstanceOf(UnknownGatewayException.class)
                .hasMessageContaining("gw-9");
    }

    @Test
    void lockoutAfterTheConfiguredFailuresAndNewPinClearsIt() {
        GatewayRecord record = GatewayRecord.created("gw-1", "pcg-a", "hash", NOW, NOW.plus(1, ChronoUnit.DAYS));
        for (int i = 0; i < 4; i++) {
            record = record.withFailedAttempt(5);
            assertThat(record.locked()).isFalse();
        }
        record = record.withFailedAttempt(5);
        assertThat(record.locked()).isTrue();
        GatewayRecord renewed = record.withNewPin("hash-2", NOW.plus(2, ChronoUnit.DAYS));
        assertThat(renewed.locked()).isFalse();
        assertThat(renewed.failedAttempts()).isZero();
        assertThat(renewed.pinUsed()).isFalse();
    }
}
