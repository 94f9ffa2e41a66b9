package io.pcg.agent.vsphere;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory vCenter for answers vcsim cannot give: denied privileges, NTP, zone tags. Set the fields a test
 * needs; {@link #delegate} (optional) answers everything else from a real session.
 */
public class FakeVsphereClient implements VsphereClient {

    public ServerIdentity identity;
    public VsphereInventory inventory;
    /** Privileges to deny, per entity; everything else is granted. */
    public final Map<Moref, Set<String>> denied = new HashMap<>();

    public final Map<Moref, HostTimeSettings> hostTimes = new HashMap<>();
    public final Map<Moref, List<TagRef>> tags = new HashMap<>();
    public final List<Collection<String>> privilegeQueries = new ArrayList<>();
    public VsphereClient delegate;
    public boolean alive = true;
    public boolean closed;

    public static FakeVsphereClient over(VsphereClient real) {
        FakeVsphereClient fake = new FakeVsphereClient();
        fake.delegate = real;
        fake.identity = real.server();
        return fake;
    }

    @Override
    public ServerIdentity server() {
        return identity;
    }

    @Override
    public VsphereInventory inventory() throws VsphereException {
        return inventory != null ? inventory : delegate.inventory();
    }

    @Override
    public List<VmSummary> virtualMachines() throws VsphereException {
        return delegate.virtualMachines();
    }

    @Override
    public Map<Moref, Map<String, Boolean>> userPrivileges(
            Collection<Moref> entities, Collection<String> privilegeIds) {
        privilegeQueries.add(List.copyOf(privilegeIds));
        Map<Moref, Map<String, Boolean>> answer = new LinkedHashMap<>();
        for (Moref entity : entities) {
            Map<String, Boolean> granted = new LinkedHashMap<>();
            for (String id : privilegeIds) {
                granted.put(id, !denied.getOrDefault(entity, Set.of()).contains(id));
            }
            answer.put(entity, granted);
        }
        return answer;
    }

    @Override
    public List<HostTimeSettings> hostTimeSettings(Collection<Moref> hosts) throws VsphereException {
        if (hostTimes.isEmpty() && delegate != null) {
            return delegate.hostTimeSettings(hosts);
        }
        return hosts.stream()
                .map(h -> hostTimes.getOrDefault(h, new HostTimeSettings(h, h.value(), List.of(), null)))
                .toList();
    }

    @Override
    public Map<Moref, List<TagRef>> attachedTags(Collection<Moref> objects) throws VsphereException {
        if (tags.isEmpty() && delegate != null) {
            return delegate.attachedTags(objects);
        }
        Map<Moref, List<TagRef>> answer = new LinkedHashMap<>();
        objects.forEach(o -> answer.put(o, tags.getOrDefault(o, List.of())));
        return answer;
    }

    @Override
    public Moref importTemplate(Path ovfDescriptor, String name, TemplatePlacement placement) throws VsphereException {
        return delegate.importTemplate(ovfDescriptor, name, placement);
    }

    @Override
    public boolean isAlive() {
        return alive && !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
