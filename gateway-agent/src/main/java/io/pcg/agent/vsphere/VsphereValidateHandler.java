package io.pcg.agent.vsphere;

import com.fasterxml.jackson.databind.JsonNode;
import io.pcg.agent.tunnel.AgentCommand;
import io.pcg.agent.tunnel.CommandFailedException;
import io.pcg.agent.tunnel.CommandHandler;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code vsphere.validate}: checks the account and placement and returns the {@link ValidationReport}.
 * Payload: {@code server, username, password, thumbprint?, placement{datacenter, cluster, datastore, network,
 * resourcePool?, folder?}}. A wrong password is a report line (FAIL credentials); an unreachable or non-vCenter
 * server, or an untrusted certificate, fails the command with its own code.
 */
@Singleton
public class VsphereValidateHandler implements CommandHandler {

    private final VsphereSessions sessions;
    private final PlacementValidator validator;

    @Inject
    public VsphereValidateHandler(VsphereSessions sessions) {
        this(sessions, new PlacementValidator(PrivilegeRequirements.load()));
    }

    VsphereValidateHandler(VsphereSessions sessions, PlacementValidator validator) {
        this.sessions = sessions;
        this.validator = validator;
    }

    @Override
    public String type() {
        return "vsphere.validate";
    }

    @Override
    public String handle(AgentCommand command) throws CommandFailedException {
        JsonNode payload = VsphereCommands.payload(command);
        VsphereLogin login = VsphereCommands.login(payload);
        JsonNode p = payload.path("placement");
        Placement placement = new Placement(VsphereCommands.text(p, "datacenter"), VsphereCommands.text(p, "cluster"),
                VsphereCommands.text(p, "datastore"), VsphereCommands.text(p, "network"),
                VsphereCommands.text(p, "resourcePool"), VsphereCommands.text(p, "folder"));
        VsphereClient client;
        try {
            client = sessions.session(login);
        } catch (VsphereException e) {
            if (e.reason() == VsphereException.Reason.LOGIN_FAILED) {
                return VsphereCommands.toJson(PlacementValidator.loginFailed(login, e));
            }
            throw VsphereCommands.failed(e);
        }
        return VsphereCommands.toJson(validator.validate(client, placement));
    }
}
