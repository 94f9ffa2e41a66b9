package io.pcg.installer.ovf;

import java.io.IOException;
import java.util.Optional;

/** One way the OVF environment reaches the VM. */
public interface OvfEnvironmentSource {

    /** For messages: where this source looks. */
    String description();

    /** The ovf-env.xml bytes, or empty when this transport delivered nothing. */
    Optional<byte[]> read() throws IOException;
}
