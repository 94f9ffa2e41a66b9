package io.pcg.simulators.vsphere;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.NotAuthenticated;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.VimPortType;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.PropertyReader;
import io.pcg.vsphere.soap.VimConnection;
import io.pcg.vsphere.soap.VimFaultException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.rmi.RemoteException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Simulator: one logged-in vSphere SOAP session, kept open, for the lookups CAPV makes on every reconcile (a VM by
 * BIOS UUID or by name, its properties, a host's name). A govc process per lookup cost 15–55 ms of process start and
 * login each, which a controller with a long-lived session does not pay. A session vCenter forgot (it restarted) is
 * opened again once.
 */
final class VimSession {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int PAGE_SIZE = 500;

    private final VcenterAccess access;
    private volatile Connection connection;

    private record Connection(VimPortType port, ServiceContent content, PropertyReader properties) {}

    /** One request on an open session. */
    @FunctionalInterface
    private interface Request<T> {
        T send(Connection connection) throws RemoteException;
    }

    VimSession(VcenterAccess access) {
        this.access = access;
    }

    /** Logs in with the access's credentials and out again: vCenter accepts them, or the failure says why. */
    void checkLogin() throws IOException {
        Connection fresh = login();
        try {
            fresh.port().logout(fresh.content().getSessionManager());
        } catch (RemoteException | RuntimeException e) {
            // the check is the login; a session left open expires on its own
        }
    }

    /** The VM with this BIOS UUID, searched in the datacenter (all datacenters when blank). */
    Optional<ManagedObjectReference> vmByBiosUuid(String datacenter, String biosUuid) throws IOException {
        return call(c -> {
            ManagedObjectReference dc = datacenter(c, datacenter);
            return Optional.ofNullable(
                    c.port().findByUuid(c.content().getSearchIndex(), dc, biosUuid, true, Boolean.FALSE));
        });
    }

    /** The first VM named {@code name} anywhere in the datacenter (the whole inventory when blank). */
    Optional<ManagedObjectReference> vmByName(String datacenter, String name) throws IOException {
        return call(c -> {
            ManagedObjectReference dc = datacenter(c, datacenter);
            List<ObjectContent> vms = c.properties()
                    .below(
                            dc == null ? c.content().getRootFolder() : dc,
                            new String[] {"VirtualMachine"},
                            Map.of("VirtualMachine", new String[] {"name"}));
            return vms.stream()
                    .filter(vm -> name.equals(PropertyReader.values(vm).get("name")))
                    .map(ObjectContent::getObj)
                    .findFirst();
        });
    }

    /** Properties of one object by path; empty when it is gone. */
    Map<String, Object> properties(ManagedObjectReference object, String... paths) throws IOException {
        return call(c -> c.properties().of(object, paths));
    }

    private static ManagedObjectReference datacenter(Connection c, String datacenter) throws RemoteException {
        if (datacenter == null || datacenter.isBlank()) {
            return null;
        }
        ManagedObjectReference dc = c.port().findByInventoryPath(c.content().getSearchIndex(), datacenter);
        if (dc == null || !"Datacenter".equals(dc.getType())) {
            throw new RemoteException("datacenter '" + datacenter + "' not found");
        }
        return dc;
    }

    private <T> T call(Request<T> request) throws IOException {
        Connection current = connection;
        if (current == null) {
            current = reconnect(null);
        }
        try {
            return request.send(current);
        } catch (VimFaultException e) {
            if (!e.is(NotAuthenticated.class)) {
                throw e;
            }
            return request.send(reconnect(current));
        }
    }

    /** Opens a session unless another thread already replaced {@code stale}. */
    private synchronized Connection reconnect(Connection stale) throws IOException {
        if (connection != null && connection != stale) {
            return connection;
        }
        connection = login();
        return connection;
    }

    private Connection login() throws IOException {
        VimConnection vim;
        try {
            vim = VimConnection.open(
                    URI.create("https://" + access.server() + "/sdk"),
                    new PinningTrustManager(access.thumbprint()),
                    CONNECT_TIMEOUT,
                    READ_TIMEOUT);
        } catch (MalformedURLException e) {
            throw new IOException("bad vCenter address " + access.server(), e);
        }
        ServiceContent content = vim.serviceContent();
        vim.port().login(content.getSessionManager(), access.username(), access.password(), null);
        return new Connection(vim.port(), content, new PropertyReader(vim.port(), content, PAGE_SIZE));
    }
}
