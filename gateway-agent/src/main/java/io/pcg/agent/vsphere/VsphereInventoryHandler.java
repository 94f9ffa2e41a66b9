package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import jakarta.inject.Singleton;

/**
 * {@code vsphere.inventory}: what the Configure step offers (datacenters, clusters, hosts, datastores, networks,
 * resource pools, VM folders, templates). Payload: {@code server, username, password, thumbprint?}.
 */
@Singleton
public class VsphereInventoryHandler extends TypedCommandHandler<VsphereCommands.Credentials> {

    private final VsphereSessions sessions;

    public VsphereInventoryHandler(VsphereSessions sessions) {
        super(VsphereCommands.Credentials.class, VsphereCommands.INVALID_REQUEST, UnknownFields.IGNORE);
        this.sessions = sessions;
    }

    @Override
    public String type() {
        return "vsphere.inventory";
    }

    record Result(VsphereClient.ServerIdentity server, VsphereInventory inventory) {}

    @Override
    protected Result run(VsphereCommands.Credentials credentials) throws CommandFailedException {
        VsphereLogin login = VsphereCommands.login(credentials);
        try {
            VsphereClient client = sessions.session(login);
            return new Result(client.server(), client.inventory());
        } catch (VsphereException e) {
            throw VsphereCommands.failed(e);
        }
    }
}
