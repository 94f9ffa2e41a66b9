package io.pcg.agent.vsphere;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.UserSession;
import com.vmware.vim25.VimPortType;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.vsphere.soap.NotVimResponseException;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.Thumbprints;
import io.pcg.vsphere.soap.VimSoapClient;
import java.net.MalformedURLException;
import java.net.http.HttpClient;
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
        HttpClient http = VimSoapClient.httpClient(trust, config.connectTimeout());
        VimSoapClient soap =
                new VimSoapClient(login.sdkUri(), http, trust, config.connectTimeout(), config.readTimeout());
        VimPortType port;
        try {
            port = new VimPortType(soap);
        } catch (MalformedURLException e) {
            throw new VsphereException(
                    Reason.INVALID_REQUEST,
                    "bad vCenter address " + login.authority(),
                    "Give the vCenter host name or IP, optionally with :port.");
        }
        String operation = "connecting";
        try {
            ManagedObjectReference serviceInstance = new ManagedObjectReference();
            serviceInstance.setType("ServiceInstance");
            serviceInstance.setVal("ServiceInstance");
            ServiceContent content = port.retrieveServiceContent(serviceInstance);
            if (content == null || content.getAbout() == null || content.getSessionManager() == null) {
                throw new NotVimResponseException("the service content has no session manager");
            }
            operation = "logging in";
            UserSession session = port.login(
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
            return new VimVsphereClient(login, config, http, soap, port, content, session, thumbprints);
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
