package io.pcg.agent.vsphere;

import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.UserSession;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.Thumbprints;
import io.pcg.vsphere.soap.VimConnection;
import java.net.MalformedURLException;
import java.net.http.HttpConnectTimeoutException;
import java.rmi.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs in to vCenter and returns a {@link VimVsphereClient}; each failure gets its own {@link Reason}. */
public final class VsphereConnector {

    private static final Logger LOG = LoggerFactory.getLogger(VsphereConnector.class);

    private VsphereConnector() {}

    public static VsphereClient connect(VsphereLogin login, VsphereConfig config) throws VsphereException {
        PinningTrustManager trust = new PinningTrustManager(login.thumbprint());
        VimConnection connection;
        try {
            connection = VimConnection.open(login.sdkUri(), trust, config.connectTimeout(), config.readTimeout());
        } catch (MalformedURLException e) {
            throw new VsphereException(
                    Reason.INVALID_REQUEST,
                    "bad vCenter address " + login.authority(),
                    "Give the vCenter host name or IP, optionally with :port.");
        }
        String operation = "connecting";
        try {
            ServiceContent content = connection.serviceContent();
            operation = "logging in";
            UserSession session = connection
                    .port()
                    .login(
                            content.getSessionManager(),
                            login.username(),
                            login.password().reveal(),
                            null);
            Thumbprints thumbprints = trust.presented() == null ? null : Thumbprints.of(trust.presented());
            LOG.info(
                    "logged in to {} ({} {}) as {}",
                    login.authority(),
                    content.getAbout().getFullName(),
                    content.getAbout().getApiType(),
                    session.getUserName());
            return new VimVsphereClient(
                    login,
                    config,
                    connection.http(),
                    connection.soap(),
                    connection.port(),
                    content,
                    session,
                    thumbprints);
        } catch (RemoteException | RuntimeException e) {
            Thumbprints presented = trust.presented() == null ? null : Thumbprints.of(trust.presented());
            VsphereException failure = VsphereErrors.classify(
                    operation, e, login, config.connectTimeout(), config.readTimeout(), presented);
            if (failure.reason() == Reason.UNREACHABLE && e.getCause() instanceof HttpConnectTimeoutException) {
                failure = diagnoseStalledConnect(login, config, failure);
            }
            LOG.warn("vCenter {}: {} ({})", login.authority(), failure.getMessage(), failure.code());
            throw failure;
        }
    }

    /**
     * java.net.http reports a TLS handshake that never finishes as a connect timeout. Probing once more with a
     * plain TLS socket tells "nothing answers" from "something answers but is not an HTTPS server".
     */
    private static VsphereException diagnoseStalledConnect(
            VsphereLogin login, VsphereConfig config, VsphereException original) {
        try {
            CertificateProbe.fetch(login.host(), login.port(), config.connectTimeout());
            return original;
        } catch (VsphereException diagnosis) {
            return diagnosis.reason() == Reason.UNREACHABLE ? original : diagnosis;
        }
    }
}
