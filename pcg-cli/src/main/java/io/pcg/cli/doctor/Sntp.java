package io.pcg.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One SNTP query (RFC 4330) over UDP: how far this machine's clock is from a time server's. Plain Java, so it works
 * whatever the appliance's NTP daemon does or reports.
 */
final class Sntp {

    static final int PORT = 123;
    static final int PACKET_SIZE = 48;
    /** Seconds from the NTP era (1900-01-01) to the Unix epoch. */
    static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

    private static final int MODE_CLIENT = 3;
    private static final int MODE_SERVER = 4;
    private static final int VERSION = 4;
    private static final int ORIGINATE_OFFSET = 24;
    private static final int RECEIVE_OFFSET = 32;
    private static final int TRANSMIT_OFFSET = 40;

    /**
     * @param offset how far the server's clock is ahead of this machine's (negative: this machine is ahead)
     * @param delay  the round trip, the offset's uncertainty
     */
    record Measurement(Duration offset, Duration delay) {}

    private Sntp() {}

    /** @throws IOException when the server does not answer in time or answers something that is not a time */
    static Measurement query(HostPort server, Duration timeout, Clock clock) throws IOException {
        InetAddress address = InetAddress.getByName(server.host());
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) timeout.toMillis());
            Instant sent = clock.instant();
            byte[] request = request(sent);
            socket.send(new DatagramPacket(request, request.length, address, server.port()));
            byte[] answer = new byte[PACKET_SIZE];
            DatagramPacket packet = new DatagramPacket(answer, answer.length);
            socket.receive(packet);
            Instant received = clock.instant();
            return measurement(request, answer, packet.getLength(), received);
        }
    }

    static byte[] request(Instant sent) {
        byte[] packet = new byte[PACKET_SIZE];
        packet[0] = (byte) (VERSION << 3 | MODE_CLIENT);
        ByteBuffer.wrap(packet).putLong(TRANSMIT_OFFSET, toNtp(sent));
        return packet;
    }

    /** Checks the answer belongs to the request, then applies RFC 4330's offset and delay formulas. */
    static Measurement measurement(byte[] request, byte[] answer, int length, Instant received) throws IOException {
        if (length < PACKET_SIZE) {
            throw new IOException("answered " + length + " bytes, not an NTP packet");
        }
        ByteBuffer in = ByteBuffer.wrap(answer);
        int mode = answer[0] & 0x7;
        int stratum = answer[1] & 0xff;
        if (mode != MODE_SERVER) {
            throw new IOException("answered in NTP mode " + mode + ", not as a server");
        }
        if (stratum == 0) {
            throw new IOException("refused to give the time (kiss-o'-death "
                    + new String(answer, 12, 4, java.nio.charset.StandardCharsets.US_ASCII).trim() + ")");
        }
        if (in.getLong(ORIGINATE_OFFSET) != ByteBuffer.wrap(request).getLong(TRANSMIT_OFFSET)) {
            throw new IOException("answered another request (its originate time is not ours)");
        }
        Instant sent = fromNtp(in.getLong(ORIGINATE_OFFSET));
        return offsetAndDelay(
                sent, fromNtp(in.getLong(RECEIVE_OFFSET)), fromNtp(in.getLong(TRANSMIT_OFFSET)), received);
    }

    /**
     * @param t1 request sent (this clock)
     * @param t2 request received (server clock)
     * @param t3 answer sent (server clock)
     * @param t4 answer received (this clock)
     */
    static Measurement offsetAndDelay(Instant t1, Instant t2, Instant t3, Instant t4) {
        Duration offset =
                Duration.between(t1, t2).plus(Duration.between(t4, t3)).dividedBy(2);
        Duration delay = Duration.between(t1, t4).minus(Duration.between(t2, t3));
        return new Measurement(offset, delay);
    }

    /** 32 bits of seconds since 1900 and 32 bits of fraction. */
    static long toNtp(Instant instant) {
        long seconds = instant.getEpochSecond() + NTP_TO_UNIX_SECONDS;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return seconds << 32 | fraction;
    }

    static Instant fromNtp(long timestamp) {
        long seconds = (timestamp >>> 32) - NTP_TO_UNIX_SECONDS;
        long nanos = ((timestamp & 0xffff_ffffL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
