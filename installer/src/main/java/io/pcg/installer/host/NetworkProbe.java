package io.pcg.installer.host;

import io.pcg.installer.validation.VmAddress;
import java.util.List;

/** The VM's own addresses with their prefix lengths: the networks pod and service CIDRs must not overlap. */
public interface NetworkProbe {

    List<VmAddress> addresses();
}
