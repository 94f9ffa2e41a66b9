package io.pcg.console.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.micronaut.serde.ObjectMapper;
import io.pcg.console.ConsoleConfig;
import io.pcg.console.MutableClock;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.gateway.Pins;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayEventsTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = MutableClock.atNow();
    private GatewayStore store;
    private String gatewayId;

    @BeforeEach
    void setUp() {
        ConsoleConfig config = new ConsoleConfig(
                0,
                "127.0.0.1",
                dataDir,
                Duration.ofHours(24),
                5,
                0,
                Duration.ofSeconds(45),
                List.of("localhost"),
                Duration.ofDays(365),
                ConsoleConfig.DEFAULT_MAX_LOG_BUNDLE_SIZE);
        store = new GatewayStore(dataDir, ObjectMapper.getDefault());
        gatewayId = new GatewayService(store, new Pins(dataDir), clock, config)
                .create("pcg-events", Optional.empty())
                .gateway()
                .id();
    }

    private GatewayEvents events() {
        return new GatewayEvents(dataDir, store, ObjectMapper.getDefault(), clock);
    }

    @Test
    void theLast1000AreKeptNumberedAcrossARestartWithABoundedFileAndATornLineSkipped() throws Exception {
        GatewayEvents events = events();
        int published = 3 * GatewayEvents.KEPT_PER_GATEWAY + 5;
        for (int step = 1; step <= published; step++) {
            events.recordFromAgent(gatewayId, agentEvent(step));
        }
        Path file = dataDir.resolve(GatewayEvents.FOLDER).resolve(gatewayId + ".log");
        assertThat(Files.readAllLines(file)).hasSizeLessThanOrEqualTo(2 * GatewayEvents.KEPT_PER_GATEWAY);
        Files.writeString(file, "{\"sequence\": 99999, \"rea", StandardOpenOption.APPEND);

        GatewayEvents restarted = events();
        assertThat(restarted.list(gatewayId))
                .hasSize(GatewayEvents.KEPT_PER_GATEWAY)
                .last()
                .satisfies(last -> {
                    assertThat(last.sequence()).isEqualTo(published);
                    assertThat(last.reason()).isEqualTo("Step" + published);
                    assertThat(last.severity()).isEqualTo("Warning");
                    assertThat(last.object()).isEqualTo("node/pcg-events-a");
                    assertThat(last.message()).isEqualTo("step " + published);
                    assertThat(last.agentSequence()).isEqualTo(published);
                });
        restarted.recordFromConsole(gatewayId, "Info", "Registered", "the agent connected");
        assertThat(restarted.list(gatewayId))
                .last()
                .extracting(GatewayEvent::sequence)
                .isEqualTo((long) published + 1);
    }

    @Test
    void aRepeatedAgentEventIsKeptOnceButTheSameNumberAtAnotherTimeIsNew() {
        GatewayEvents events = events();
        events.recordFromAgent(gatewayId, agentEvent(1));
        events.recordFromAgent(gatewayId, agentEvent(1));
        events.recordFromAgent(
                gatewayId,
                agentEvent(1).toBuilder()
                        .setTime(Timestamp.newBuilder().setSeconds(7))
                        .build());

        assertThat(events.list(gatewayId)).extracting(GatewayEvent::sequence).containsExactly(1L, 2L);
        assertThat(events().list(gatewayId)).as("also after a restart").hasSize(2);
    }

    @Test
    void pagesGoBackFromTheNewestEachOldestFirst() {
        GatewayEvents events = events();
        for (int step = 1; step <= 5; step++) {
            events.recordFromAgent(gatewayId, agentEvent(step));
        }
        assertThat(events.page(gatewayId, null, 2))
                .extracting(GatewayEvent::sequence)
                .containsExactly(4L, 5L);
        assertThat(events.page(gatewayId, 4L, 2))
                .extracting(GatewayEvent::sequence)
                .containsExactly(2L, 3L);
        assertThat(events.page(gatewayId, 2L, 2))
                .extracting(GatewayEvent::sequence)
                .containsExactly(1L);
        assertThat(events.page(gatewayId, 1L, 2)).isEmpty();
    }

    @Test
    void theEventsOfAForgottenGatewayAreRemovedAtTheRestart() {
        events().recordFromConsole(gatewayId, "Info", "Created", "created");
        store.remove(gatewayId);

        assertThat(events().list(gatewayId)).isEmpty();
        assertThat(dataDir.resolve(GatewayEvents.FOLDER).resolve(gatewayId + ".log"))
                .doesNotExist();
    }

    private static Event agentEvent(int step) {
        return Event.newBuilder()
                .setTime(Timestamp.newBuilder().setSeconds(1_750_000_000L + step))
                .setSeverity(EventSeverity.EVENT_SEVERITY_WARNING)
                .setSequence(step)
                .setReason("Step" + step)
                .setObject("node/pcg-events-a")
                .setMessage("step " + step)
                .build();
    }
}
