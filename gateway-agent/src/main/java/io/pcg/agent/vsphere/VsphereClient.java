package io.pcg.agent.vsphere;

import io.pcg.vsphere.soap.Thumbprints;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One logged-in vCenter session, as the rest of the agent sees it. The adapter is {@link VimVsphereClient}
 * (yavijava SOAP plus the REST tagging API); tests use fakes for answers vcsim cannot give (denied privileges).
 */
public interface VsphereClient extends AutoCloseable {

    /** Who we talk to: product, version, certificate and the session's user. */
    ServerIdentity server();

    /** The whole placement inventory, in a few PropertyCollector round trips. */
    VsphereInventory inventory() throws VsphereException;

    /** Every VM with the ten properties the console lists. */
    List<VmSummary> virtualMachines() throws VsphereException;

    /**
     * Which of {@code privilegeIds} the session user holds on each entity
     * ({@code AuthorizationManager.HasUserPrivilegeOnEntities}).
     */
    Map<Moref, Map<String, Boolean>> userPrivileges(Collection<Moref> entities, Collection<String> privilegeIds)
            throws VsphereException;

    /** NTP settings of the given hosts. */
    List<HostTimeSettings> hostTimeSettings(Collection<Moref> hosts) throws VsphereException;

    /** Tags attached to each object, read through the vSphere Automation REST API. */
    Map<Moref, List<TagRef>> attachedTags(Collection<Moref> objects) throws VsphereException;

    /**
     * Imports an OVF as a template: {@code CreateImportSpec}, {@code ImportVApp}, NFC upload of its files, then
     * {@code MarkAsTemplate}.
     */
    Moref importTemplate(Path ovfDescriptor, String name, TemplatePlacement placement) throws VsphereException;

    /** Cheap round trip proving the session is still logged in. */
    boolean isAlive();

    /** Logs out. */
    @Override
    void close();

    /** {@code rootFolder} is where vCenter-wide (root-level) privileges are checked. */
    record ServerIdentity(
            String server,
            int port,
            String fullName,
            String apiType,
            String apiVersion,
            String version,
            String build,
            String instanceUuid,
            Thumbprints thumbprints,
            String userName,
            Moref rootFolder) {}

    record VmSummary(
            Moref ref,
            String name,
            String powerState,
            Moref host,
            Moref resourcePool,
            String guestIp,
            int cpus,
            int memoryMb,
            boolean template,
            Moref folder,
            List<Moref> datastores) {}

    /** {@code ntpServers} empty means none configured; {@code ntpdRunning} null means unknown. */
    record HostTimeSettings(Moref host, String name, List<String> ntpServers, Boolean ntpdRunning) {}

    record TagRef(String category, String name) {}

    record TemplatePlacement(Moref resourcePool, Moref folder, Moref datastore, Moref network) {}
}
