package io.pcg.cli.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/** An SNTP server on 127.0.0.1 whose clock is {@code shift} off this machine's: a skewed appliance, simulated. */
final class FakeSntpServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    private FakeSntpServer(Duration shift) throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(shift), "fake-sntp");
        thread.setDaemon(true);
        thread.start();
    }

    static FakeSntpServer start(Duration shift) {
        try {
            return new FakeSntpServer(shift);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot open a UDP port for the fake SNTP server", e);
        }
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve(Duration shift) {
        byte[] request = new byte[Sntp.PACKET_SIZE];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(request, request.length);
                socket.receive(packet);
                long now = Sntp.toNtp(Instant.now().plus(shift));
                byte[] answer = new byte[Sntp.PACKET_SIZE];
                answer[0] = (byte) (4 << 3 | 4);
                answer[1] = 2;
                ByteBuffer out = ByteBuffer.wrap(answer);
                out.putLong(24, ByteBuffer.wrap(request).getLong(40));
                out.putLong(32, now);
                out.putLong(40, now);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // Closed: the loop ends.
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
