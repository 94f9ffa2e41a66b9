package io.pcg.agent.vsphere;

import io.pcg.common.secrets.Secret;
import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.vsphere.soap.Thumbprints;
import java.time.Duration;

/** The agent's way into a testkit {@link Vcsim}: its login, the certificate an admin confirms, a pinned session. */
final class VcsimAccess {

    private VcsimAccess() {}

    static VsphereLogin login(Vcsim vcsim, String thumbprint) {
        return VsphereLogin.of(vcsim.server(), Vcsim.USERNAME, Secret.of(Vcsim.PASSWORD), thumbprint);
    }

    /** The thumbprints of the certificate vcsim presents, as an admin would confirm them. */
    static Thumbprints thumbprints(Vcsim vcsim) throws VsphereException {
        return CertificateProbe.fetch("127.0.0.1", vcsim.port(), Duration.ofSeconds(10))
                .thumbprints();
    }

    /** A session pinned to vcsim's SHA-256 thumbprint, with the default settings. */
    static VsphereClient connectPinned(Vcsim vcsim) throws VsphereException {
        return VsphereConnector.connect(login(vcsim, thumbprints(vcsim).sha256()), VsphereConfig.defaults());
    }
}
