package io.pcg.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.secrets.Secret;
import io.pcg.proto.v1.Event;
import io.pcg.proto.v1.EventSeverity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    /** One second later on every reading, so each event has its own time. */
    private final Clock clock = new Clock() {
        private final AtomicLong readings = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return START.plusSeconds(readings.getAndIncrement());
        }
    };

    @TempDir
    Path stateDir;

    private EventPublisher publisher(int bufferSize) {
        return new EventPublisher(new EventsConfig(bufferSize), clock, stateDir.resolve(EventLog.FILE));
    }

    @Test
    void eventsGoStraightToARegisteredStreamWithEveryField() {
        EventPublisher events = publisher(10);
        FakeUpstream stream = new FakeUpstream();
        events.connected(stream);

        events.info("NodeReady", "node/pcg-gw-1", "Node pcg-gw-1 is ready");
        events.warning("DiskLow", "", "Less than 1 GiB left");
        events.publish(
                EventSeverity.EVENT_SEVERITY_ERROR, "ConfigureFailed", "gateway/pcg-1", "vCenter refused", "cmd-7");

        assertThat(stream.events())
                .extracting(Event::getReason)
                .containsExactly("NodeReady", "DiskLow", "ConfigureFailed");
        Event first = stream.events().get(0);
        assertThat(first.getSeverity()).isEqualTo(EventSeverity.EVENT_SEVERITY_INFO);
        assertThat(first.getObject()).isEqualTo("node/pcg-gw-1");
        assertThat(first.getMessage()).isEqualTo("Node pcg-gw-1 is ready");
        assertThat(first.getTime().getSeconds()).isEqualTo(START.getEpochSecond());
        assertThat(first.getCommandId()).isEmpty();
        assertThat(stream.events().get(1).getSeverity()).isEqualTo(EventSeverity.EVENT_SEVERITY_WARNING);
        assertThat(stream.events().get(2).getSeverity()).isEqualTo(EventSeverity.EVENT_SEVERITY_ERROR);
        assertThat(stream.events().get(2).getCommandId()).isEqualTo("cmd-7");
    }

    @Test
    void theLatestEventsAreKeptNumberedForTheManagementPortWhetherSentOrNot() {
        EventPublisher events = publisher(10);
        events.info("Offline", "", "while no stream is registered");
        events.connected(new FakeUpstream());
        for (int i = 1; i <= EventPublisher.HISTORY; i++) {
            events.info("Step" + i, "", "sent");
        }

        assertThat(events.recentAfter(0))
                .hasSize(EventPublisher.HISTORY)
                .first()
                .satisfies(first -> {
                    assertThat(first.getSequence()).as("the oldest made room").isEqualTo(2);
                    assertThat(first.getReason()).isEqualTo("Step1");
                });
        assertThat(events.recentAfter(EventPublisher.HISTORY))
                .extracting(Event::getReason)
                .containsExactly("Step" + EventPublisher.HISTORY);
        assertThat(events.recentAfter(EventPublisher.HISTORY + 1)).isEmpty();
        assertThat(events.latestSequence()).isEqualTo(EventPublisher.HISTORY + 1);
    }

    @Test
    void eventsPublishedWhileDisconnectedGoOutInOrderBeforeNewerOnes() {
        EventPublisher events = publisher(10);
        events.info("Before", "", "published before the first stream");
        FakeUpstream first = new FakeUpstream();
        events.connected(first);
        events.info("During", "", "while connected");
        events.disconnected();
        events.info("Offline1", "", "while the console is down");
        events.error("Offline2", "", "still down");
        assertThat(first.reasons()).containsExactly("Before", "During");

        FakeUpstream second = new FakeUpstream();
        events.connected(second);
        events.info("After", "", "connected again");

        assertThat(second.reasons()).containsExactly("Offline1", "Offline2", "After");
    }

    @Test
    void aFullBufferDropsTheOldestAndOneWarningSaysHowMany() {
        EventPublisher events = publisher(3);
        for (int i = 1; i <= 5; i++) {
            events.info("Step" + i, "", "step " + i);
        }
        FakeUpstream stream = new FakeUpstream();
        events.connected(stream);

        assertThat(stream.reasons()).containsExactly(EventPublisher.EVENTS_DROPPED, "Step3", "Step4", "Step5");
        Event dropped = stream.events().get(0);
        assertThat(dropped.getSeverity()).isEqualTo(EventSeverity.EVENT_SEVERITY_WARNING);
        assertThat(dropped.getMessage())
                .startsWith("2 older event(s) were dropped")
                .contains("pcg.agent.events.buffer-size");
        assertThat(dropped.getTime())
                .as("dated like the last dropped event, so times stay in order")
                .isEqualTo(EventPublisher.timestamp(START.plusSeconds(1)));

        events.disconnected();
        events.info("Later", "", "no drops this time");
        FakeUpstream next = new FakeUpstream();
        events.connected(next);
        assertThat(next.reasons()).as("the count starts again").containsExactly("Later");
    }

    @Test
    void aRestartKeepsTheHistoryTheNumberingAndTheWaitingEventsInOrder() {
        EventPublisher before = publisher(10);
        FakeUpstream stream = new FakeUpstream();
        before.connected(stream);
        before.info("Sent", "gateway/pcg-1", "went out before the restart");
        before.disconnected();
        before.warning("Waiting1", "node/pcg-1-a", "published while the console was down");
        before.error("Waiting2", "", "also waiting");
        before.close();

        EventPublisher after = publisher(10);
        assertThat(after.recentAfter(0)).extracting(Event::getReason).containsExactly("Sent", "Waiting1", "Waiting2");
        assertThat(after.recentAfter(0).get(1))
                .as("every field survives")
                .isEqualTo(Event.newBuilder()
                        .setSequence(2)
                        .setTime(EventPublisher.timestamp(START.plusSeconds(1)))
                        .setSeverity(EventSeverity.EVENT_SEVERITY_WARNING)
                        .setReason("Waiting1")
                        .setObject("node/pcg-1-a")
                        .setMessage("published while the console was down")
                        .build());
        after.info("AfterRestart", "", "numbered on from before");
        FakeUpstream next = new FakeUpstream();
        after.connected(next);
        assertThat(next.reasons())
                .as("only what waited, oldest first, then the newer one")
                .containsExactly("Waiting1", "Waiting2", "AfterRestart");
        assertThat(next.events()).extracting(Event::getSequence).containsExactly(2L, 3L, 4L);
        after.close();

        FakeUpstream third = new FakeUpstream();
        EventPublisher again = publisher(10);
        again.connected(third);
        assertThat(third.reasons()).as("what was sent is not sent again").isEmpty();
        assertThat(again.latestSequence()).isEqualTo(4);
    }

    @Test
    void aTornLastLineIsSkippedAndTheLogStaysBounded() throws Exception {
        EventPublisher events = publisher(2);
        for (int i = 1; i <= 3 * (EventPublisher.HISTORY + 2); i++) {
            events.info("Step" + i, "", "step " + i);
        }
        events.close();
        Path log = stateDir.resolve(EventLog.FILE);
        assertThat(Files.readAllLines(log))
                .as("rewritten at twice what it keeps")
                .hasSizeLessThanOrEqualTo(2 * (EventPublisher.HISTORY + 2));
        Files.writeString(log, "W CgsI", StandardOpenOption.APPEND);

        EventPublisher restarted = publisher(2);
        assertThat(restarted.recentAfter(0))
                .hasSize(EventPublisher.HISTORY)
                .last()
                .extracting(Event::getReason)
                .isEqualTo("Step" + 3 * (EventPublisher.HISTORY + 2));
        FakeUpstream stream = new FakeUpstream();
        restarted.connected(stream);
        assertThat(stream.reasons())
                .as("the buffer of 2 kept the newest and counted the rest")
                .containsExactly(EventPublisher.EVENTS_DROPPED, "Step3005", "Step3006");
        restarted.close();
    }

    @Test
    void aStreamThatEndedBeforeTheLinkNoticedLosesNothing() {
        EventPublisher events = publisher(10);
        events.info("Waiting1", "", "kept");
        events.info("Waiting2", "", "kept");
        events.info("Waiting3", "", "kept");
        FakeUpstream broken = new FakeUpstream(1);
        events.connected(broken);
        events.info("Newer", "", "comes after the ones still waiting");
        assertThat(broken.reasons()).containsExactly("Waiting1");

        FakeUpstream ending = new FakeUpstream(2);
        events.connected(ending);
        events.info("Newest", "", "refused by the ended stream, so kept");
        assertThat(ending.reasons()).containsExactly("Waiting2", "Waiting3");

        FakeUpstream endsLater = new FakeUpstream(3);
        events.connected(endsLater);
        events.info("Live", "", "taken while the stream was up");
        events.info("Refused", "", "the stream ended under way");
        assertThat(endsLater.reasons()).containsExactly("Newer", "Newest", "Live");

        FakeUpstream healthy = new FakeUpstream();
        events.connected(healthy);
        assertThat(healthy.reasons()).containsExactly("Refused");
    }

    @Test
    void messagesNeverCarryASecret() {
        EventPublisher events = publisher(10);
        FakeUpstream stream = new FakeUpstream();
        events.connected(stream);
        Secret password = Secret.of("Sup3r-S3cret!");

        events.error("LoginFailed", "vcenter/vc1", "login as admin with " + password + " failed");
        events.warning("ProxyFailed", "", "proxy http://pcguser:Sup3r-S3cret!@proxy.example.com:3128 refused CONNECT");
        events.error("ConfigureFailed", "", "bad payload {\"vcenter\":{\"password\":\"Sup3r-S3cret!\"}}");

        assertThat(stream.events())
                .extracting(Event::getMessage)
                .containsExactly(
                        "login as admin with <redacted> failed",
                        "proxy http://pcguser:<redacted>@proxy.example.com:3128 refused CONNECT",
                        "bad payload {\"vcenter\":{\"password\":\"<redacted>\"}}")
                .noneMatch(message -> message.contains("Sup3r-S3cret!"));
    }

    @Test
    void reasonAndSeverityMustBeUsable() {
        EventPublisher events = publisher(10);
        assertThatThrownBy(() -> events.info("not camel case", "", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CamelCase");
        assertThatThrownBy(() -> events.info(null, "", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.publish(EventSeverity.EVENT_SEVERITY_UNSPECIFIED, "Reason", "", "x", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("severity");
    }
}
