package io.pcg.agent.vsphere;

import io.pcg.agent.tunnel.AgentCommand;
import io.pcg.agent.tunnel.CommandFailedException;
import io.pcg.agent.tunnel.CommandHandler;
import jakarta.inject.Singleton;

/**
 * {@code vsphere.inventory}: what the Configure step offers (datacenters, clusters, hosts, datastores, networks,
 * resource pools, VM folders, templates). Payload: {@code server, username, password, thumbprint?}.
 */
@Singleton
public class VsphereInventoryHandler implements CommandHandler {

    private final VsphereSessions sessions;

    public VsphereInventoryHandler(VsphereSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public String type() {
        return "vsphere.inventory";
    }

    record Result(VsphereClient.ServerIdentity server, VsphereInventory inventory) {
    }

    @Override
    public String handle(AgentCommand command) throws CommandFailedException {
        VsphereLogin login = VsphereCommands.login(VsphereCommands.payload(command));
        try {
            VsphereClient client = sessions.session(login);
            return VsphereCommands.toJson(new Result(client.server(), client.inventory()));
        } catch (VsphereException e) {
            throw VsphereCommands.failed(e);
        }
    }
}
