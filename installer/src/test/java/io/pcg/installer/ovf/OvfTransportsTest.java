package io.pcg.installer.ovf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.process.CommandRunner;
import io.pcg.installer.OvfEnvFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OvfTransportsTest {

    private static final byte[] DOCUMENT = OvfEnvFixture.valid().xml().getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void vmwareToolsTransportAsksVmtoolsdForGuestinfo() {
        List<List<String>> asked = new ArrayList<>();
        VmwareToolsSource source = new VmwareToolsSource(command -> {
            asked.add(command);
            return new CommandRunner.Result(0, new String(DOCUMENT, StandardCharsets.UTF_8) + "\n", "");
        });

        assertThat(source.read())
                .hasValueSatisfying(bytes ->
                        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("pcg.pairingCode"));
        assertThat(asked).containsExactly(List.of("vmtoolsd", "--cmd", "info-get guestinfo.ovfEnv"));
    }

    @Test
    void vmwareToolsTransportIsEmptyWithoutVappOptionsOrWithoutVmtoolsd() {
        assertThat(new VmwareToolsSource(command -> new CommandRunner.Result(1, "", "No value found")).read())
                .isEmpty();
        assertThat(new VmwareToolsSource(command -> {
                            throw new IOException("Cannot run program \"vmtoolsd\"");
                        })
                        .read())
                .isEmpty();
    }

    @Test
    void isoTransportReadsTheFileStraightFromTheCdDevice() throws Exception {
        Path device = Files.write(dir.resolve("sr0"), isoImage("OVF ENV", "OVF_ENV.XML;1", DOCUMENT));
        IsoTransportSource source =
                new IsoTransportSource(dir.resolve("no-mounts"), List.of(dir.resolve("missing"), device));

        assertThat(source.read()).hasValue(DOCUMENT);
    }

    @Test
    void isoTransportIgnoresCdsWithAnotherLabel() throws Exception {
        Path device = Files.write(dir.resolve("sr0"), isoImage("UBUNTU", "OVF_ENV.XML;1", DOCUMENT));

        assertThat(new IsoTransportSource(dir.resolve("no-mounts"), List.of(device)).read())
                .isEmpty();
    }

    @Test
    void isoTransportIgnoresDevicesThatAreNotIsoImages() throws Exception {
        Path device = Files.write(dir.resolve("sda"), new byte[40_000]);

        assertThat(new IsoTransportSource(dir.resolve("no-mounts"), List.of(device)).read())
                .isEmpty();
    }

    @Test
    void isoTransportPrefersAnAlreadyMountedCd() throws Exception {
        Path mountPoint = Files.createDirectories(dir.resolve("media/OVF ENV"));
        Files.write(mountPoint.resolve("ovf-env.xml"), DOCUMENT);
        Path mounts = Files.writeString(
                dir.resolve("mounts"),
                "/dev/sda1 / ext4 rw 0 0\n/dev/sr0 " + mountPoint.toString().replace(" ", "\\040")
                        + " iso9660 ro 0 0\n");

        assertThat(new IsoTransportSource(mounts, List.of()).read()).hasValue(DOCUMENT);
    }

    @Test
    void readerTakesTheFirstTransportThatDeliversAndNamesAllWhenNoneDoes() throws Exception {
        OvfEnvironmentSource nothing = new FakeSource("VMware Tools", Optional.empty());
        OvfEnvironmentSource cd = new FakeSource("the CD", Optional.of(DOCUMENT));

        assertThat(new OvfEnvironmentReader(List.of(nothing, cd)).read().source())
                .isEqualTo("the CD");
        assertThatThrownBy(() -> new OvfEnvironmentReader(List.of(nothing, nothing)).read())
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .hasMessageContaining("no OVF environment found; tried VMware Tools, then VMware Tools")
                .hasMessageContaining("deploy the OVA again");
    }

    @Test
    void aMissingFileIsReportedAsSuch() {
        assertThatThrownBy(
                        () -> new OvfEnvironmentReader(List.of(new OvfEnvironmentFile(dir.resolve("nope.xml")))).read())
                .isInstanceOf(InvalidOvfEnvironmentException.class)
                .hasMessageContaining("does not exist");
    }

    private record FakeSource(String description, Optional<byte[]> document) implements OvfEnvironmentSource {
        @Override
        public Optional<byte[]> read() {
            return document;
        }
    }

    /** A minimal ISO 9660 image: primary descriptor, terminator, root directory with one file. */
    static byte[] isoImage(String volumeId, String fileName, byte[] content) {
        int sector = Iso9660.SECTOR;
        ByteBuffer image = ByteBuffer.allocate(sector * 20).order(ByteOrder.LITTLE_ENDIAN);
        int primary = 16 * sector;
        image.put(primary, (byte) 1)
                .put(primary + 1, "CD001".getBytes(StandardCharsets.US_ASCII))
                .put(primary + 6, (byte) 1);
        image.put(primary + 40, String.format("%-32s", volumeId).getBytes(StandardCharsets.US_ASCII));
        directoryRecord(image, primary + 156, 18, sector, true, new byte[] {0});
        int terminator = 17 * sector;
        image.put(terminator, (byte) 255)
                .put(terminator + 1, "CD001".getBytes(StandardCharsets.US_ASCII))
                .put(terminator + 6, (byte) 1);
        int root = 18 * sector;
        int next = root + directoryRecord(image, root, 18, sector, true, new byte[] {0});
        next += directoryRecord(image, next, 18, sector, true, new byte[] {1});
        directoryRecord(image, next, 19, content.length, false, fileName.getBytes(StandardCharsets.US_ASCII));
        image.put(19 * sector, content);
        return image.array();
    }

    private static int directoryRecord(ByteBuffer image, int at, int extent, int size, boolean directory, byte[] name) {
        int length = 33 + name.length + (name.length % 2 == 0 ? 1 : 0);
        image.put(at, (byte) length);
        image.putInt(at + 2, extent)
                .order(ByteOrder.BIG_ENDIAN)
                .putInt(at + 6, extent)
                .order(ByteOrder.LITTLE_ENDIAN);
        image.putInt(at + 10, size)
                .order(ByteOrder.BIG_ENDIAN)
                .putInt(at + 14, size)
                .order(ByteOrder.LITTLE_ENDIAN);
        image.put(at + 25, (byte) (directory ? 2 : 0));
        image.put(at + 32, (byte) name.length);
        image.put(at + 33, name);
        return length;
    }
}
