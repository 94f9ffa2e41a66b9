package io.pcg.agent.vsphere;

import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.NotAuthenticated;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.common.secrets.Secret;
import io.pcg.vsphere.soap.NotVimResponseException;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.Thumbprints;
import io.pcg.vsphere.soap.VimFaultException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/** Turns transport and SOAP failures into {@link VsphereException}s that say what is wrong and how to fix it. */
final class VsphereErrors {

    private VsphereErrors() {}

    /**
     * @param operation what we were doing, for the message ("logging in", "reading the inventory")
     * @param presented the certificate thumbprints seen in the handshake, or {@code null}
     */
    static VsphereException classify(
            String operation,
            Throwable failure,
            VsphereLogin login,
            Duration connectTimeout,
            Duration readTimeout,
            Thumbprints presented) {
        String where = "vCenter " + login.authority();
        Secret password = login.password();
        // Transport exceptions wrap each other in library-specific orders; look at the whole chain, most telling first.
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        VsphereException known = first(chain, VsphereException.class);
        if (known != null) {
            return known;
        }
        PinningTrustManager.ThumbprintMismatchException mismatch =
                first(chain, PinningTrustManager.ThumbprintMismatchException.class);
        if (mismatch != null) {
            return new VsphereException(
                    Reason.UNTRUSTED_CERTIFICATE,
                    where + " presented a certificate that does not match the pinned thumbprint: it is SHA-256 "
                            + mismatch.actual().sha256() + " (SHA-1 "
                            + mismatch.actual().sha1() + ")",
                    "If the vCenter certificate was replaced on purpose, confirm the new thumbprint with the vCenter "
                            + "admin and send it; otherwise something is intercepting the connection.");
        }
        if (first(chain, CertificateException.class) != null) {
            String seen = presented == null
                    ? ""
                    : ": it presented SHA-256 " + presented.sha256() + " (SHA-1 " + presented.sha1() + ")";
            return new VsphereException(
                    Reason.UNTRUSTED_CERTIFICATE,
                    where + " has a certificate the appliance does not trust" + seen,
                    "Compare the thumbprint with the one vCenter shows (Administration > Certificates) and send it "
                            + "as 'thumbprint' to pin it, or use a certificate signed by a public CA.");
        }
        if (first(chain, UnresolvedAddressException.class) != null
                || first(chain, UnknownHostException.class) != null) {
            return new VsphereException(
                    Reason.UNREACHABLE,
                    "the vCenter name " + login.host() + " does not resolve",
                    "Check the spelling, or the DNS servers of this appliance; an IP address works too.");
        }
        if (first(chain, NoRouteToHostException.class) != null || mentions(chain, "unreachable")) {
            return new VsphereException(
                    Reason.UNREACHABLE,
                    "there is no route to " + where,
                    "Check the address and this appliance's network, gateway and firewall.");
        }
        if (first(chain, HttpConnectTimeoutException.class) != null) {
            return new VsphereException(
                    Reason.UNREACHABLE,
                    where + " did not accept a connection within " + seconds(connectTimeout),
                    "Check the address, and that this appliance's network and any firewall allow HTTPS to it.");
        }
        if (first(chain, HttpTimeoutException.class) != null) {
            return new VsphereException(
                    Reason.TIMEOUT,
                    where + " accepted the connection but did not answer " + operation + " within "
                            + seconds(readTimeout),
                    "vCenter may be overloaded or starting up; retry, and check the vpxd service if it persists.");
        }
        if (first(chain, ConnectException.class) != null) {
            return new VsphereException(
                    Reason.CONNECTION_REFUSED,
                    where + " refused the connection: nothing listens on port " + login.port(),
                    "vCenter serves its API on port 443; check the port in the server address.");
        }
        SSLException tls = first(chain, SSLException.class);
        if (tls != null) {
            return new VsphereException(
                    Reason.NOT_VCENTER,
                    where + " does not speak TLS like a vCenter (" + scrub(tls.getMessage(), password) + ")",
                    "Check that the address and port point at the vCenter Server itself (HTTPS, port 443).");
        }
        NotVimResponseException notVim = first(chain, NotVimResponseException.class);
        if (notVim != null) {
            return new VsphereException(
                    Reason.NOT_VCENTER,
                    where + " is an HTTPS server but not a vCenter: " + scrub(notVim.getMessage(), password),
                    "Check that the address points at the vCenter Server (not an ESXi host UI, a proxy or a load "
                            + "balancer page).");
        }
        VimFaultException fault = first(chain, VimFaultException.class);
        if (fault != null) {
            if (fault.is(InvalidLogin.class)) {
                return new VsphereException(
                        Reason.LOGIN_FAILED,
                        where + " rejected the user name or password for " + login.username(),
                        "Check the user name (e.g. administrator@vsphere.local) and password, and that the account "
                                + "is not locked.");
            }
            if (fault.is(NotAuthenticated.class)) {
                return new VsphereException(
                        Reason.LOGIN_FAILED,
                        where + " says the session is no longer logged in while " + operation,
                        "Retry; the agent logs in again.");
            }
            return new VsphereException(
                    Reason.FAULT,
                    where + " failed " + operation + ": " + fault.faultName() + ": "
                            + scrub(fault.getMessage(), password),
                    "See the vCenter task and event log for details.");
        }
        return new VsphereException(
                Reason.FAULT,
                where + " failed " + operation + ": " + failure.getClass().getSimpleName() + ": "
                        + scrub(String.valueOf(failure.getMessage()), password),
                "Retry; if it persists, check vCenter's health.");
    }

    private static <T extends Throwable> T first(List<Throwable> chain, Class<T> type) {
        return chain.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElse(null);
    }

    private static boolean mentions(List<Throwable> chain, String word) {
        return chain.stream()
                .anyMatch(t -> t.getMessage() != null
                        && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains(word));
    }

    /** Removes the password from text that came from elsewhere (a server's fault string may echo input). */
    static String scrub(String text, Secret password) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password.reveal(), Secret.REDACTED);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
