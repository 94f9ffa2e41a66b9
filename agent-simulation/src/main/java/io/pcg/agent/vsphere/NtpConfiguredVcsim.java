package io.pcg.agent.vsphere;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * vcsim as a vCenter whose hosts use NTP. vcsim models no NTP configuration (every host reports none, so the
 * {@code ntp} check fails), but provisioning tests need a vCenter that passes every check: this fake on top of the
 * real vcsim session answers only the NTP question, with the guide's prerequisite met; everything else is vcsim's.
 * Active in an agent context with {@code pcg.test.vcsim-ntp=true}.
 */
@Factory
@Requires(property = NtpConfiguredVcsim.PROPERTY, value = "true")
public class NtpConfiguredVcsim {

    public static final String PROPERTY = "pcg.test.vcsim-ntp";

    @Singleton
    @Replaces(VsphereSessions.class)
    VsphereSessions sessions(VsphereConfig config) {
        return new VsphereSessions(config, (login, settings) -> new WithNtp(VsphereConnector.connect(login, settings)));
    }

    /** Delegates everything to the real session but the hosts' time settings. */
    private record WithNtp(VsphereClient vcsim) implements VsphereClient {

        @Override
        public ServerIdentity server() {
            return vcsim.server();
        }

        @Override
        public VsphereInventory inventory() throws VsphereException {
            return vcsim.inventory();
        }

        @Override
        public List<VmSummary> virtualMachines() throws VsphereException {
            return vcsim.virtualMachines();
        }

        @Override
        public Map<Moref, Map<String, Boolean>> userPrivileges(
                Collection<Moref> entities, Collection<String> privilegeIds) throws VsphereException {
            return vcsim.userPrivileges(entities, privilegeIds);
        }

        @Override
        public List<HostTimeSettings> hostTimeSettings(Collection<Moref> hosts) throws VsphereException {
            return vcsim.hostTimeSettings(hosts).stream()
                    .map(host -> new HostTimeSettings(host.host(), host.name(), List.of("pool.ntp.org"), true))
                    .toList();
        }

        @Override
        public Map<Moref, List<TagRef>> attachedTags(Collection<Moref> objects) throws VsphereException {
            return vcsim.attachedTags(objects);
        }

        @Override
        public Moref importTemplate(Path ovfDescriptor, String name, TemplatePlacement placement)
                throws VsphereException {
            return vcsim.importTemplate(ovfDescriptor, name, placement);
        }

        @Override
        public boolean isAlive() {
            return vcsim.isAlive();
        }

        @Override
        public void close() {
            vcsim.close();
        }
    }
}
