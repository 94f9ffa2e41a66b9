package io.pcg.simulators.vsphere;

import io.pcg.testkit.vsphere.Vcsim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Simulator: how the simulated CAPV reaches vCenter: the {@code govc} binary and the server with its credentials.
 * Usually a {@link Vcsim}; a real vCenter works the same way.
 *
 * @param govc     the govc executable
 * @param server   {@code host:port} of the vCenter SDK endpoint
 * @param username user name
 * @param password password
 */
public record VcenterAccess(Path govc, String server, String username, String password) {

    public VcenterAccess {
        Objects.requireNonNull(govc, "govc");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** The test kit's vcsim, with govc from the same bin folder ({@code pcg.vcsim.bin} / {@code VCSIM_BIN}). */
    public static VcenterAccess of(Vcsim vcsim) {
        Path govc = Vcsim.binDir().resolve("govc");
        if (!Files.isExecutable(govc)) {
            throw new IllegalStateException("govc not found beside vcsim in " + Vcsim.binDir());
        }
        return new VcenterAccess(govc, vcsim.server(), Vcsim.USERNAME, Vcsim.PASSWORD);
    }

    /** The same vCenter with other credentials (a cluster's identity Secret). */
    public VcenterAccess withCredentials(String otherUsername, String otherPassword) {
        return new VcenterAccess(govc, server, otherUsername, otherPassword);
    }

    @Override
    public String toString() {
        return "VcenterAccess[" + username + "@" + server + "]";
    }
}
