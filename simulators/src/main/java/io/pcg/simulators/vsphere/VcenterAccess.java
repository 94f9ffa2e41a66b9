package io.pcg.simulators.vsphere;

import io.pcg.testkit.vsphere.Vcsim;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.Thumbprints;
import io.pcg.vsphere.soap.VimSoapClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Simulator: how the simulated CAPV reaches vCenter: the {@code govc} binary and the server with its credentials
 * and the thumbprint of its certificate. Usually a {@link Vcsim}; a real vCenter works the same way.
 *
 * @param govc       the govc executable
 * @param server     {@code host:port} of the vCenter SDK endpoint
 * @param username   user name
 * @param password   password
 * @param thumbprint the certificate's thumbprint the SOAP session pins, or {@code null} for CA trust
 */
public record VcenterAccess(Path govc, String server, String username, String password, String thumbprint) {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

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
        return confirmingCertificate(govc, vcsim.server(), Vcsim.USERNAME, Vcsim.PASSWORD);
    }

    /**
     * Access that pins the certificate the server presents now, as an admin of a simulated site confirms it once
     * (vcsim's certificate is self-signed).
     */
    public static VcenterAccess confirmingCertificate(Path govc, String server, String username, String password) {
        return new VcenterAccess(govc, server, username, password, presentedThumbprint(server));
    }

    /** The same vCenter with other credentials (a cluster's identity Secret). */
    public VcenterAccess withCredentials(String otherUsername, String otherPassword) {
        return new VcenterAccess(govc, server, otherUsername, otherPassword, thumbprint);
    }

    private static String presentedThumbprint(String server) {
        // no pin: the JDK's CA check refuses a self-signed certificate, but the trust manager has seen it by then
        PinningTrustManager trust = new PinningTrustManager(null);
        try {
            VimSoapClient.httpClient(trust, PROBE_TIMEOUT)
                    .send(
                            HttpRequest.newBuilder(URI.create("https://" + server + "/sdk"))
                                    .timeout(PROBE_TIMEOUT)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            if (trust.presented() == null) {
                throw new UncheckedIOException("no certificate from vCenter " + server, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the certificate of " + server, e);
        }
        return Thumbprints.of(trust.presented()).sha256();
    }

    @Override
    public String toString() {
        return "VcenterAccess[" + username + "@" + server + "]";
    }
}
