package io.pcg.installer.ovf;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Tries the OVF transports in order and parses the first document found. */
public final class OvfEnvironmentReader {

    public record Found(OvfEnvironment environment, String source) {}

    private final List<OvfEnvironmentSource> sources;

    public OvfEnvironmentReader(List<OvfEnvironmentSource> sources) {
        this.sources = List.copyOf(sources);
    }

    public Found read() throws InvalidOvfEnvironmentException {
        for (OvfEnvironmentSource source : sources) {
            Optional<byte[]> document;
            try {
                document = source.read();
            } catch (NoSuchFileException e) {
                throw new InvalidOvfEnvironmentException(
                        "cannot read the OVF environment from " + source.description() + ": the file does not exist");
            } catch (IOException e) {
                throw new InvalidOvfEnvironmentException(
                        "cannot read the OVF environment from " + source.description() + ": " + e);
            }
            if (document.isPresent()) {
                return new Found(OvfEnvironment.parse(document.get()), source.description());
            }
        }
        throw new InvalidOvfEnvironmentException(
                "no OVF environment found; tried "
                        + sources.stream()
                                .map(OvfEnvironmentSource::description)
                                .collect(Collectors.joining(", then "))
                        + ". Deploy the VM from the PCG installer OVA (it enables vApp options with the VMware Tools transport);"
                        + " if the VM was cloned or the vApp options were switched off, power it down, delete it and deploy the OVA again.");
    }
}
