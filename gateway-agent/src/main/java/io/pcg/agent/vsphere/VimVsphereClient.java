package io.pcg.agent.vsphere;

import com.vmware.vim25.ArrayOfManagedObjectReference;
import com.vmware.vim25.DatastoreHostMount;
import com.vmware.vim25.EntityPrivilege;
import com.vmware.vim25.HostDateTimeInfo;
import com.vmware.vim25.HostService;
import com.vmware.vim25.HostServiceInfo;
import com.vmware.vim25.HttpNfcLeaseDeviceUrl;
import com.vmware.vim25.HttpNfcLeaseInfo;
import com.vmware.vim25.HttpNfcLeaseState;
import com.vmware.vim25.LocalizedMethodFault;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.OvfCreateImportSpecParams;
import com.vmware.vim25.OvfCreateImportSpecResult;
import com.vmware.vim25.OvfFileItem;
import com.vmware.vim25.OvfNetworkMapping;
import com.vmware.vim25.PrivilegeAvailability;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.UserSession;
import com.vmware.vim25.VimPortType;
import com.vmware.vim25.ws.Argument;
import io.pcg.agent.vsphere.VsphereException.Reason;
import io.pcg.agent.vsphere.VsphereInventory.ComputeCluster;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.agent.vsphere.VsphereInventory.Datastore;
import io.pcg.agent.vsphere.VsphereInventory.Folder;
import io.pcg.agent.vsphere.VsphereInventory.Host;
import io.pcg.agent.vsphere.VsphereInventory.Network;
import io.pcg.agent.vsphere.VsphereInventory.ResourcePool;
import io.pcg.agent.vsphere.VsphereInventory.Template;
import io.pcg.vsphere.soap.PinningTrustManager;
import io.pcg.vsphere.soap.PropertyReader;
import io.pcg.vsphere.soap.Thumbprints;
import io.pcg.vsphere.soap.VimSoapClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.RemoteException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vSphere adapter: yavijava's typed stubs and model over {@link VimSoapClient}, plus {@link RestTagging}.
 * Create it with {@link VsphereConnector}; share it through {@link VsphereSessions}.
 */
final class VimVsphereClient implements VsphereClient {

    private static final Logger LOG = LoggerFactory.getLogger(VimVsphereClient.class);
    private static final String[] INVENTORY_TYPES = {
        "Datacenter",
        "Folder",
        "ComputeResource",
        "HostSystem",
        "Datastore",
        "Network",
        "ResourcePool",
        "VirtualMachine"
    };
    static final String[] VM_PROPERTIES = {
        "name",
        "runtime.powerState",
        "runtime.host",
        "resourcePool",
        "guest.ipAddress",
        "config.hardware.numCPU",
        "config.hardware.memoryMB",
        "config.template",
        "parent",
        "datastore"
    };

    private final VsphereLogin login;
    private final VsphereConfig config;
    private final HttpClient http;
    private final VimSoapClient soap;
    private final VimPortType port;
    private final ServiceContent content;
    private final ServerIdentity identity;
    private final RestTagging tagging;
    private final PropertyReader propertyReader;

    VimVsphereClient(
            VsphereLogin login,
            VsphereConfig config,
            HttpClient http,
            VimSoapClient soap,
            VimPortType port,
            ServiceContent content,
            UserSession session,
            Thumbprints thumbprints) {
        this.login = login;
        this.config = config;
        this.http = http;
        this.soap = soap;
        this.port = port;
        this.content = content;
        this.propertyReader = new PropertyReader(port, content, config.pageSize());
        var about = content.getAbout();
        this.identity = new ServerIdentity(
                login.host(),
                login.port(),
                about.getFullName(),
                about.getApiType(),
                about.getApiVersion(),
                about.getVersion(),
                about.getBuild(),
                about.getInstanceUuid(),
                thumbprints,
                session.getUserName(),
                ref(content.getRootFolder()));
        this.tagging = new RestTagging(http, login, config.readTimeout());
    }

    @Override
    public ServerIdentity server() {
        return identity;
    }

    // ---------------------------------------------------------------- inventory

    @Override
    public VsphereInventory inventory() throws VsphereException {
        Map<String, String[]> properties = new LinkedHashMap<>();
        properties.put("Datacenter", new String[] {"name", "parent"});
        properties.put("Folder", new String[] {"name", "parent", "childType"});
        properties.put("ComputeResource", new String[] {"name", "parent", "host", "resourcePool"});
        properties.put(
                "HostSystem",
                new String[] {"name", "parent", "runtime.connectionState", "runtime.inMaintenanceMode", "datastore"});
        properties.put("Datastore", new String[] {
            "name", "parent", "summary.type", "summary.capacity", "summary.freeSpace", "summary.accessible", "host"
        });
        properties.put("Network", new String[] {"name", "parent"});
        properties.put("ResourcePool", new String[] {"name", "parent", "owner"});
        properties.put("VirtualMachine", new String[] {"name", "parent", "config.template"});
        List<ObjectContent> objects = collectFromRoot(INVENTORY_TYPES, properties, "reading the inventory");
        return InventoryAssembler.assemble(objects);
    }

    @Override
    public List<VmSummary> virtualMachines() throws VsphereException {
        Map<String, String[]> properties = Map.of("VirtualMachine", VM_PROPERTIES);
        List<ObjectContent> objects = collectFromRoot(new String[] {"VirtualMachine"}, properties, "listing VMs");
        List<VmSummary> vms = new ArrayList<>(objects.size());
        for (ObjectContent object : objects) {
            Map<String, Object> p = PropertyReader.values(object);
            vms.add(new VmSummary(
                    ref(object.getObj()),
                    (String) p.get("name"),
                    text(p.get("runtime.powerState")),
                    ref(p.get("runtime.host")),
                    ref(p.get("resourcePool")),
                    (String) p.get("guest.ipAddress"),
                    intValue(p.get("config.hardware.numCPU")),
                    intValue(p.get("config.hardware.memoryMB")),
                    Boolean.TRUE.equals(p.get("config.template")),
                    ref(p.get("parent")),
                    refs(p.get("datastore"))));
        }
        return vms;
    }

    /** One PropertyCollector pass over a ContainerView of the whole inventory. */
    private List<ObjectContent> collectFromRoot(String[] types, Map<String, String[]> properties, String operation)
            throws VsphereException {
        try {
            List<ObjectContent> objects = propertyReader.below(content.getRootFolder(), types, properties);
            LOG.debug("PropertyCollector returned {} objects for {}", objects.size(), operation);
            return objects;
        } catch (RemoteException | RuntimeException e) {
            throw failure(operation, e);
        }
    }

    // ---------------------------------------------------------------- privileges, hosts, tags

    @Override
    public Map<Moref, Map<String, Boolean>> userPrivileges(Collection<Moref> entities, Collection<String> privilegeIds)
            throws VsphereException {
        try {
            Object answer = soap.invoke(
                    "HasUserPrivilegeOnEntities",
                    new Argument[] {
                        new Argument("_this", "ManagedObjectReference", content.getAuthorizationManager()),
                        new Argument(
                                "entities",
                                "ManagedObjectReference[]",
                                entities.stream().map(VimVsphereClient::mor).toArray(ManagedObjectReference[]::new)),
                        new Argument("userName", "String", identity.userName()),
                        new Argument("privId", "String[]", privilegeIds.toArray(String[]::new))
                    },
                    "EntityPrivilege[]");
            Map<Moref, Map<String, Boolean>> result = new LinkedHashMap<>();
            for (EntityPrivilege entity : (EntityPrivilege[]) answer) {
                Map<String, Boolean> granted = new LinkedHashMap<>();
                if (entity.getPrivAvailability() != null) {
                    for (PrivilegeAvailability availability : entity.getPrivAvailability()) {
                        granted.put(availability.getPrivId(), availability.isIsGranted());
                    }
                }
                result.put(ref(entity.getEntity()), granted);
            }
            return result;
        } catch (RemoteException | RuntimeException e) {
            throw failure("checking privileges", e);
        }
    }

    @Override
    public List<HostTimeSettings> hostTimeSettings(Collection<Moref> hosts) throws VsphereException {
        if (hosts.isEmpty()) {
            return List.of();
        }
        PropertySpec spec = new PropertySpec();
        spec.setType("HostSystem");
        spec.setPathSet(new String[] {"name", "config.dateTimeInfo", "config.service"});
        PropertyFilterSpec filter = new PropertyFilterSpec();
        filter.setPropSet(new PropertySpec[] {spec});
        filter.setObjectSet(hosts.stream()
                .map(host -> {
                    ObjectSpec objectSpec = new ObjectSpec();
                    objectSpec.setObj(mor(host));
                    objectSpec.setSkip(false);
                    return objectSpec;
                })
                .toArray(ObjectSpec[]::new));
        try {
            List<HostTimeSettings> settings = new ArrayList<>();
            for (ObjectContent object : propertyReader.retrieveAll(filter)) {
                Map<String, Object> p = PropertyReader.values(object);
                List<String> servers = List.of();
                if (p.get("config.dateTimeInfo") instanceof HostDateTimeInfo info
                        && info.getNtpConfig() != null
                        && info.getNtpConfig().getServer() != null) {
                    servers = Arrays.stream(info.getNtpConfig().getServer())
                            .filter(s -> !s.isBlank())
                            .toList();
                }
                Boolean ntpdRunning = null;
                if (p.get("config.service") instanceof HostServiceInfo services && services.getService() != null) {
                    for (HostService service : services.getService()) {
                        if ("ntpd".equals(service.getKey())) {
                            ntpdRunning = service.isRunning();
                        }
                    }
                }
                settings.add(new HostTimeSettings(ref(object.getObj()), (String) p.get("name"), servers, ntpdRunning));
            }
            return settings;
        } catch (RemoteException | RuntimeException e) {
            throw failure("reading host time settings", e);
        }
    }

    @Override
    public Map<Moref, List<TagRef>> attachedTags(Collection<Moref> objects) throws VsphereException {
        try {
            return tagging.attachedTags(objects);
        } catch (IOException e) {
            throw failure("reading tags (vSphere REST API)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VsphereException(Reason.TIMEOUT, "interrupted while reading tags", "Retry.");
        }
    }

    // ---------------------------------------------------------------- template import

    @Override
    public Moref importTemplate(Path ovfDescriptor, String name, TemplatePlacement placement) throws VsphereException {
        String descriptor;
        try {
            descriptor = Files.readString(ovfDescriptor);
        } catch (IOException e) {
            throw new VsphereException(
                    Reason.INVALID_REQUEST,
                    "cannot read the OVF descriptor " + ovfDescriptor + ": " + e.getMessage(),
                    "Check that the node template OVF and its disk files are on the appliance.");
        }
        OvfCreateImportSpecResult spec;
        try {
            OvfCreateImportSpecParams params = new OvfCreateImportSpecParams();
            params.setEntityName(name);
            params.setLocale("");
            params.setDeploymentOption("");
            params.setDiskProvisioning("thin");
            params.setNetworkMapping(OvfDescriptor.networkNames(descriptor).stream()
                    .map(network -> {
                        OvfNetworkMapping mapping = new OvfNetworkMapping();
                        mapping.setName(network);
                        mapping.setNetwork(mor(placement.network()));
                        return mapping;
                    })
                    .toArray(OvfNetworkMapping[]::new));
            spec = port.createImportSpec(
                    content.getOvfManager(),
                    descriptor,
                    mor(placement.resourcePool()),
                    mor(placement.datastore()),
                    params);
        } catch (IllegalArgumentException e) {
            throw new VsphereException(
                    Reason.INVALID_REQUEST,
                    "the OVF descriptor " + ovfDescriptor + " is not valid: " + e.getMessage(),
                    "Use the node template OVA/OVF as published.");
        } catch (RemoteException | RuntimeException e) {
            throw failure("preparing the OVF import (CreateImportSpec)", e);
        }
        if (spec.getError() != null && spec.getError().length > 0) {
            throw new VsphereException(
                    Reason.FAULT,
                    "vCenter refused the OVF " + ovfDescriptor.getFileName() + ": " + describe(spec.getError()),
                    "Check the datastore, network and resource pool chosen for the template.");
        }
        ManagedObjectReference lease;
        try {
            lease = port.importVApp(mor(placement.resourcePool()), spec.getImportSpec(), mor(placement.folder()), null);
        } catch (RemoteException | RuntimeException e) {
            throw failure("starting the OVF import (ImportVApp)", e);
        }
        try {
            HttpNfcLeaseInfo info = awaitLease(lease);
            upload(ovfDescriptor.toAbsolutePath().getParent(), spec.getFileItem(), info, lease);
            port.httpNfcLeaseComplete(lease);
            ManagedObjectReference vm = info.getEntity();
            port.markAsTemplate(vm);
            LOG.info("imported node template {} as {} on vCenter {}", name, vm.getVal(), login.authority());
            return ref(vm);
        } catch (VsphereException | RemoteException | RuntimeException e) {
            abortQuietly(lease);
            if (e instanceof VsphereException known) {
                throw known;
            }
            throw failure("importing the node template", e);
        }
    }

    private HttpNfcLeaseInfo awaitLease(ManagedObjectReference lease) throws RemoteException, VsphereException {
        Instant deadline = Instant.now().plus(config.leaseTimeout());
        while (true) {
            Map<String, Object> p = propertyReader.of(lease, "state", "error", "info");
            Object state = p.get("state");
            if (state == HttpNfcLeaseState.ready) {
                return (HttpNfcLeaseInfo) p.get("info");
            }
            if (state == HttpNfcLeaseState.error) {
                LocalizedMethodFault error = (LocalizedMethodFault) p.get("error");
                throw new VsphereException(
                        Reason.FAULT,
                        "the import lease failed: " + describe(error),
                        "See the vCenter task list for the import task.");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new VsphereException(
                        Reason.TIMEOUT,
                        "the import lease did not become ready within "
                                + config.leaseTimeout().toSeconds() + "s",
                        "vCenter may be busy; retry later.");
            }
            sleep(Duration.ofMillis(250));
        }
    }

    private void upload(Path directory, OvfFileItem[] items, HttpNfcLeaseInfo info, ManagedObjectReference lease)
            throws VsphereException, RemoteException {
        if (items == null) {
            return;
        }
        long total = Arrays.stream(items)
                .mapToLong(item -> fileSize(directory.resolve(item.getPath())))
                .sum();
        long sent = 0;
        for (OvfFileItem item : items) {
            HttpNfcLeaseDeviceUrl target = Arrays.stream(
                            info.getDeviceUrl() == null ? new HttpNfcLeaseDeviceUrl[0] : info.getDeviceUrl())
                    .filter(url -> item.getDeviceId().equals(url.getImportKey()))
                    .findFirst()
                    .orElseThrow(() -> new VsphereException(
                            Reason.FAULT,
                            "the import lease has no upload URL for " + item.getPath(),
                            "Retry the import; if it persists, check the vCenter NFC service."));
            Path file = directory.resolve(item.getPath()).normalize();
            if (!file.startsWith(directory)) {
                throw new VsphereException(
                        Reason.INVALID_REQUEST,
                        "the OVF references a file outside its folder: " + item.getPath(),
                        "Use the node template OVA/OVF as published.");
            }
            putFile(uploadUri(target.getUrl()), file, item.isCreate(), target.getSslThumbprint());
            sent += fileSize(file);
            port.httpNfcLeaseProgress(lease, total == 0 ? 100 : (int) Math.min(99, sent * 100 / total));
        }
    }

    /** ESXi hands out {@code https://*}/... URLs meaning "the host you talk to". */
    private URI uploadUri(String url) {
        return URI.create(url.replace("://*/", "://" + login.authority() + "/"));
    }

    private void putFile(URI uri, Path file, boolean create, String hostThumbprint) throws VsphereException {
        HttpClient client = hostThumbprint == null || hostThumbprint.isBlank()
                ? http
                : VimSoapClient.httpClient(new PinningTrustManager(hostThumbprint), config.connectTimeout());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-vnd.vmware-streamVmdk")
                .header("Overwrite", "t");
        if (soap.getCookie() != null) {
            request.header("Cookie", soap.getCookie());
        }
        try {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(file);
            request = create ? request.PUT(body) : request.POST(body);
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new VsphereException(
                        Reason.FAULT,
                        "uploading " + file.getFileName() + " failed with HTTP " + response.statusCode(),
                        "Check that this appliance can reach the ESXi hosts on port 443.");
            }
        } catch (IOException e) {
            throw failure("uploading " + file.getFileName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VsphereException(Reason.TIMEOUT, "interrupted while uploading " + file.getFileName(), "Retry.");
        }
    }

    private void abortQuietly(ManagedObjectReference lease) {
        try {
            port.httpNfcLeaseAbort(lease, null);
        } catch (RemoteException | RuntimeException e) {
            LOG.debug("could not abort import lease {}: {}", lease.getVal(), e.getMessage());
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- session

    @Override
    public boolean isAlive() {
        try {
            return propertyReader
                            .of(content.getSessionManager(), "currentSession")
                            .get("currentSession")
                    != null;
        } catch (RemoteException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        tagging.close();
        try {
            port.logout(content.getSessionManager());
        } catch (RemoteException | RuntimeException e) {
            LOG.debug("logout from vCenter {} failed: {}", login.authority(), e.getMessage());
        }
    }

    private VsphereException failure(String operation, Throwable e) {
        return VsphereErrors.classify(
                operation, e, login, config.connectTimeout(), config.readTimeout(), identity.thumbprints());
    }

    // ---------------------------------------------------------------- conversions

    static ManagedObjectReference mor(Moref ref) {
        if (ref == null) {
            return null;
        }
        ManagedObjectReference mor = new ManagedObjectReference();
        mor.setType(ref.type());
        mor.setVal(ref.value());
        return mor;
    }

    static Moref ref(Object value) {
        return value instanceof ManagedObjectReference mor ? new Moref(mor.getType(), mor.getVal()) : null;
    }

    static List<Moref> refs(Object value) {
        ManagedObjectReference[] mors = value instanceof ManagedObjectReference[] array
                ? array
                : value instanceof ArrayOfManagedObjectReference wrapper ? wrapper.getManagedObjectReference() : null;
        if (mors == null) {
            return List.of();
        }
        List<Moref> refs = new ArrayList<>(mors.length);
        for (ManagedObjectReference mor : mors) {
            refs.add(ref(mor));
        }
        return refs;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static int intValue(Object value) {
        return value instanceof Number number ? number.intValue() : 0;
    }

    private static String describe(LocalizedMethodFault... faults) {
        List<String> texts = new ArrayList<>();
        for (LocalizedMethodFault fault : faults) {
            if (fault == null) {
                continue;
            }
            texts.add(
                    fault.getLocalizedMessage() != null
                            ? fault.getLocalizedMessage()
                            : fault.getFault() == null
                                    ? "unknown error"
                                    : fault.getFault().getClass().getSimpleName());
        }
        return texts.isEmpty() ? "no details" : String.join("; ", texts);
    }

    private static void sleep(Duration duration) throws VsphereException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VsphereException(Reason.TIMEOUT, "interrupted while waiting for vCenter", "Retry.");
        }
    }

    /** Builds the inventory tree from one flat PropertyCollector answer. */
    static final class InventoryAssembler {

        private record Node(Moref ref, String name, Moref parent, Map<String, Object> props) {}

        private final Map<Moref, Node> nodes = new HashMap<>();
        private final Map<Moref, String> paths = new HashMap<>();

        static VsphereInventory assemble(List<ObjectContent> objects) {
            InventoryAssembler assembler = new InventoryAssembler();
            for (ObjectContent object : objects) {
                Map<String, Object> p = PropertyReader.values(object);
                Moref ref = ref(object.getObj());
                assembler.nodes.put(ref, new Node(ref, (String) p.get("name"), ref(p.get("parent")), p));
            }
            return assembler.build();
        }

        private VsphereInventory build() {
            Map<Moref, List<Node>> byDatacenter = new HashMap<>();
            for (Node node : nodes.values()) {
                Moref dc = datacenterOf(node.ref());
                if (dc != null) {
                    byDatacenter.computeIfAbsent(dc, k -> new ArrayList<>()).add(node);
                }
            }
            List<Datacenter> datacenters = new ArrayList<>();
            for (Node dc : sorted(
                    nodes.values().stream().filter(n -> is(n, "Datacenter")).toList())) {
                List<Node> members = sorted(byDatacenter.getOrDefault(dc.ref(), List.of()));
                datacenters.add(new Datacenter(
                        dc.ref(),
                        dc.name(),
                        path(dc.ref()),
                        collect(
                                members,
                                n -> is(n, "ClusterComputeResource", "ComputeResource"),
                                n -> new ComputeCluster(
                                        n.ref(),
                                        n.name(),
                                        path(n.ref()),
                                        is(n, "ClusterComputeResource"),
                                        refs(n.props().get("host")),
                                        ref(n.props().get("resourcePool")))),
                        collect(
                                members,
                                n -> is(n, "HostSystem"),
                                n -> new Host(
                                        n.ref(),
                                        n.name(),
                                        path(n.ref()),
                                        n.parent(),
                                        text(n.props().get("runtime.connectionState")),
                                        Boolean.TRUE.equals(n.props().get("runtime.inMaintenanceMode")),
                                        refs(n.props().get("datastore")))),
                        collect(
                                members,
                                n -> is(n, "Datastore"),
                                n -> new Datastore(
                                        n.ref(),
                                        n.name(),
                                        path(n.ref()),
                                        (String) n.props().get("summary.type"),
                                        longValue(n.props().get("summary.capacity")),
                                        longValue(n.props().get("summary.freeSpace")),
                                        !Boolean.FALSE.equals(n.props().get("summary.accessible")),
                                        unavailableHosts(n.props().get("host")))),
                        collect(
                                members,
                                n -> is(n, "Network", "DistributedVirtualPortgroup", "OpaqueNetwork"),
                                n -> new Network(
                                        n.ref(),
                                        n.name(),
                                        path(n.ref()),
                                        n.ref().type())),
                        collect(
                                members,
                                n -> is(n, "ResourcePool", "VirtualApp"),
                                n -> new ResourcePool(
                                        n.ref(),
                                        n.name(),
                                        path(n.ref()),
                                        ref(n.props().get("owner")))),
                        collect(
                                members,
                                n -> is(n, "Folder") && holdsVms(n),
                                n -> new Folder(n.ref(), n.name(), path(n.ref()))),
                        collect(
                                members,
                                n -> is(n, "VirtualMachine")
                                        && Boolean.TRUE.equals(n.props().get("config.template")),
                                n -> new Template(n.ref(), n.name(), path(n.ref())))));
            }
            return new VsphereInventory(datacenters);
        }

        private static boolean holdsVms(Node folder) {
            Object childTypes = folder.props().get("childType");
            return childTypes instanceof String[] types && Set.of(types).contains("VirtualMachine");
        }

        private static List<Moref> unavailableHosts(Object value) {
            List<Moref> hosts = new ArrayList<>();
            if (value instanceof DatastoreHostMount[] mounts) {
                for (DatastoreHostMount mount : mounts) {
                    var info = mount.getMountInfo();
                    if (info != null
                            && (Boolean.FALSE.equals(info.getMounted())
                                    || Boolean.FALSE.equals(info.getAccessible()))) {
                        hosts.add(ref(mount.getKey()));
                    }
                }
            }
            return hosts;
        }

        private static <T> List<T> collect(
                List<Node> members, java.util.function.Predicate<Node> filter, Function<Node, T> mapper) {
            return members.stream().filter(filter).map(mapper).toList();
        }

        private static List<Node> sorted(List<Node> list) {
            return list.stream()
                    .sorted(Comparator.comparing((Node n) -> String.valueOf(n.name()))
                            .thenComparing(n -> n.ref().value()))
                    .toList();
        }

        private static boolean is(Node node, String... types) {
            for (String type : types) {
                if (type.equals(node.ref().type())) {
                    return true;
                }
            }
            return false;
        }

        private Moref datacenterOf(Moref ref) {
            for (Moref current = ref; current != null; ) {
                if ("Datacenter".equals(current.type())) {
                    return current;
                }
                Node node = nodes.get(current);
                current = node == null ? null : node.parent();
            }
            return null;
        }

        /** Inventory path: names from below the root folder down, e.g. /dc-1/host/cluster-1/Resources. */
        private String path(Moref ref) {
            String known = paths.get(ref);
            if (known != null) {
                return known;
            }
            Node node = nodes.get(ref);
            if (node == null) {
                return "";
            }
            // The root folder is not in the container view, so objects right below it start the path.
            String path = (node.parent() == null || !nodes.containsKey(node.parent()) ? "" : path(node.parent())) + "/"
                    + node.name();
            paths.put(ref, path);
            return path;
        }

        private static long longValue(Object value) {
            return value instanceof Number number ? number.longValue() : 0L;
        }
    }
}
