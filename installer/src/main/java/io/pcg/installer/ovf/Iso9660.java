package io.pcg.installer.ovf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Just enough ISO 9660 to read one file from the root directory of the OVF environment CD: the primary volume
 * descriptor (volume label, root directory) and the directory records of the root.
 */
final class Iso9660 {

    static final int SECTOR = 2048;
    private static final int PRIMARY_DESCRIPTOR_SECTOR = 16;
    /** ovf-env.xml is a few kilobytes; anything far larger is not the file we are looking for. */
    private static final int MAX_FILE_SIZE = 1 << 20;

    private Iso9660() {}

    record Image(FileChannel channel, String volumeId, long rootExtent, int rootSize) {

        /**
         * Finds a file in the root directory. Names compare case-insensitively without the ";1" version, and with
         * '-' and '_' equal, since plain ISO 9660 names cannot hold '-' and mastering tools write '_' instead.
         */
        Optional<byte[]> readRootFile(String name) throws IOException {
            String wanted = normalise(name);
            ByteBuffer directory = readAt(channel, rootExtent * SECTOR, Math.min(rootSize, MAX_FILE_SIZE));
            int position = 0;
            while (position < directory.limit()) {
                int recordLength = Byte.toUnsignedInt(directory.get(position));
                if (recordLength == 0) {
                    position = (position / SECTOR + 1) * SECTOR;
                    continue;
                }
                if (recordLength < 34 || position + recordLength > directory.limit()) {
                    break;
                }
                boolean isDirectory = (directory.get(position + 25) & 0x02) != 0;
                int nameLength = Byte.toUnsignedInt(directory.get(position + 32));
                byte[] nameBytes = new byte[nameLength];
                directory.get(position + 33, nameBytes);
                if (!isDirectory
                        && normalise(new String(nameBytes, StandardCharsets.US_ASCII))
                                .equals(wanted)) {
                    long extent = Integer.toUnsignedLong(directory.getInt(position + 2));
                    long size = Integer.toUnsignedLong(directory.getInt(position + 10));
                    if (size > MAX_FILE_SIZE) {
                        throw new IOException(name + " on the OVF environment CD is " + size
                                + " bytes, larger than any OVF environment");
                    }
                    ByteBuffer content = readAt(channel, extent * SECTOR, (int) size);
                    byte[] bytes = new byte[content.remaining()];
                    content.get(bytes);
                    return Optional.of(bytes);
                }
                position += recordLength;
            }
            return Optional.empty();
        }
    }

    /** The image's primary volume descriptor, or empty when the device does not hold an ISO 9660 file system. */
    static Optional<Image> open(FileChannel channel) throws IOException {
        ByteBuffer descriptor = readAt(channel, (long) PRIMARY_DESCRIPTOR_SECTOR * SECTOR, SECTOR);
        if (descriptor.limit() < SECTOR
                || descriptor.get(0) != 1
                || !"CD001".equals(new String(bytes(descriptor, 1, 5), StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String volumeId = new String(bytes(descriptor, 40, 32), StandardCharsets.US_ASCII).strip();
        long rootExtent = Integer.toUnsignedLong(descriptor.getInt(156 + 2));
        int rootSize = descriptor.getInt(156 + 10);
        return Optional.of(new Image(channel, volumeId, rootExtent, rootSize));
    }

    private static String normalise(String name) {
        int version = name.indexOf(';');
        String base = version < 0 ? name : name.substring(0, version);
        return base.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static byte[] bytes(ByteBuffer buffer, int offset, int length) {
        byte[] result = new byte[length];
        buffer.get(offset, result);
        return result;
    }

    private static ByteBuffer readAt(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(length, 0)).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }
}
