package io.pcg.installer.ovf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The "ISO image" OVF transport: vSphere attaches a CD labelled {@code OVF ENV} holding {@code ovf-env.xml}.
 * If something already mounted it, the file is read from the mount point; otherwise the ISO 9660 image is read
 * straight from the device, so the installer needs no mount and leaves none behind.
 */
public final class IsoTransportSource implements OvfEnvironmentSource {

    static final String VOLUME_LABEL = "OVF ENV";
    static final String FILE_NAME = "ovf-env.xml";

    private final Path procMounts;
    private final List<Path> devices;

    /**
     * @param procMounts the mount table to look for a mounted {@code OVF ENV} CD in
     * @param devices    block devices that may hold the CD, tried in order
     */
    public IsoTransportSource(Path procMounts, List<Path> devices) {
        this.procMounts = procMounts;
        this.devices = List.copyOf(devices);
    }

    /** The appliance's view: udev's label link first, then the usual CD-ROM devices. */
    public static IsoTransportSource system() {
        return new IsoTransportSource(
                Path.of("/proc/mounts"),
                List.of(
                        Path.of("/dev/disk/by-label/OVF\\x20ENV"),
                        Path.of("/dev/sr0"),
                        Path.of("/dev/sr1"),
                        Path.of("/dev/cdrom")));
    }

    @Override
    public String description() {
        return "ISO transport (a CD labelled '" + VOLUME_LABEL + "' at " + devices + " or mounted)";
    }

    @Override
    public Optional<byte[]> read() throws IOException {
        Optional<byte[]> mounted = readFromMountedCd();
        if (mounted.isPresent()) {
            return mounted;
        }
        for (Path device : devices) {
            if (!Files.isReadable(device)) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
                Optional<Iso9660.Image> image = Iso9660.open(channel);
                if (image.isPresent() && VOLUME_LABEL.equals(image.get().volumeId())) {
                    return image.get().readRootFile(FILE_NAME);
                }
            } catch (IOException noMediumOrNotAnIso) {
                // An empty drive fails to open with "No medium found": try the next device.
            }
        }
        return Optional.empty();
    }

    private Optional<byte[]> readFromMountedCd() throws IOException {
        if (!Files.isReadable(procMounts)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(procMounts)) {
            String[] fields = line.split(" ");
            if (fields.length < 3 || !"iso9660".equals(fields[2])) {
                continue;
            }
            Path candidate = Path.of(unescapeMountField(fields[1])).resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(Files.readAllBytes(candidate));
            }
        }
        return Optional.empty();
    }

    /** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes. */
    static String unescapeMountField(String field) {
        return field.replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
