package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SntpTest {

    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00.000Z");

    @Test
    void offsetIsTheMeanOfBothLegsAndDelayTheRoundTripWithoutTheServersTime() {
        // Server 60 s ahead, 10 ms each way, 2 ms inside the server.
        Instant t2 = T1.plusMillis(60_010);
        Instant t3 = t2.plusMillis(2);
        Instant t4 = T1.plusMillis(22);

        Sntp.Measurement measurement = Sntp.offsetAndDelay(T1, t2, t3, t4);

        assertThat(measurement.offset()).isEqualTo(Duration.ofSeconds(60));
        assertThat(measurement.delay()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void aClockAheadOfTheServerHasANegativeOffset() {
        Instant t2 = T1.minusSeconds(30).plusMillis(5);
        Sntp.Measurement measurement = Sntp.offsetAndDelay(T1, t2, t2, T1.plusMillis(10));

        assertThat(measurement.offset()).isEqualTo(Duration.ofSeconds(-30));
        assertThat(ClockCheck.describe(measurement.offset())).isEqualTo("30000 ms ahead of NTP time");
    }

    @Test
    void ntpTimestampsRoundTripToTheMicrosecondAndCountFrom1900() {
        Instant instant = Instant.parse("2025-03-01T10:00:00.123456Z");
        long timestamp = Sntp.toNtp(instant);

        assertThat(timestamp >>> 32).isEqualTo(instant.getEpochSecond() + 2_208_988_800L);
        assertThat(Duration.between(instant, Sntp.fromNtp(timestamp)).abs()).isLessThan(Duration.ofNanos(1000));
    }

    @Test
    void anAnswerIsReadFromItsReceiveAndTransmitTimes() throws IOException {
        byte[] request = Sntp.request(T1);
        byte[] answer = answer(request, 4, 2, T1.plusSeconds(3600), T1.plusSeconds(3600));

        Sntp.Measurement measurement = Sntp.measurement(request, answer, answer.length, T1);

        assertThat(measurement.offset().toSeconds()).isEqualTo(3600);
    }

    @Test
    void answersThatAreNotAServersTimeForThisRequestAreRefused() {
        byte[] request = Sntp.request(T1);

        assertThatThrownBy(() -> Sntp.measurement(request, answer(request, 3, 2, T1, T1), Sntp.PACKET_SIZE, T1))
                .hasMessageContaining("mode 3");
        assertThatThrownBy(() -> Sntp.measurement(request, answer(request, 4, 0, T1, T1), Sntp.PACKET_SIZE, T1))
                .hasMessageContaining("kiss-o'-death");
        assertThatThrownBy(() -> Sntp.measurement(
                        request, answer(Sntp.request(T1.plusSeconds(1)), 4, 2, T1, T1), Sntp.PACKET_SIZE, T1))
                .hasMessageContaining("another request");
        assertThatThrownBy(() -> Sntp.measurement(request, new byte[Sntp.PACKET_SIZE], 12, T1))
                .hasMessageContaining("12 bytes");
    }

    private static byte[] answer(byte[] request, int mode, int stratum, Instant received, Instant transmitted) {
        byte[] answer = new byte[Sntp.PACKET_SIZE];
        answer[0] = (byte) (4 << 3 | mode);
        answer[1] = (byte) stratum;
        ByteBuffer buffer = ByteBuffer.wrap(answer);
        buffer.putLong(24, ByteBuffer.wrap(request).getLong(40));
        buffer.putLong(32, Sntp.toNtp(received));
        buffer.putLong(40, Sntp.toNtp(transmitted));
        return answer;
    }
}
