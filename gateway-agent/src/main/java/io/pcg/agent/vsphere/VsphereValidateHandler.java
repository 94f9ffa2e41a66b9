package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code vsphere.validate}: checks the account and placement and returns the {@link ValidationReport}.
 * Payload: {@code server, username, password, thumbprint?, placement{datacenter, cluster, datastore, network,
 * resourcePool?, folder?}}. A wrong password is a report line (FAIL credentials); an unreachable or non-vCenter
 * server, or an untrusted certificate, fails the command with its own code.
 */
@Singleton
public class VsphereValidateHandler extends TypedCommandHandler<VsphereValidateHandler.Request> {

    private static final Placement NOTHING_CHOSEN = new Placement(null, null, null, null, null, null);

    private final VsphereSessions sessions;
    private final PlacementValidator validator;

    @Inject
    public VsphereValidateHandler(VsphereSessions sessions) {
        this(sessions, new PlacementValidator(PrivilegeRequirements.load()));
    }

    VsphereValidateHandler(VsphereSessions sessions, PlacementValidator validator) {
        super(Request.class, VsphereCommands.INVALID_REQUEST, UnknownFields.IGNORE);
        this.sessions = sessions;
        this.validator = validator;
    }

    @Override
    public String type() {
        return "vsphere.validate";
    }

    /** The credentials and the placement to check; a missing placement is checked as nothing chosen. */
    record Request(String server, String username, Secret password, String thumbprint, Placement placement) {

        VsphereCommands.Credentials credentials() {
            return new VsphereCommands.Credentials(server, username, password, thumbprint);
        }
    }

    @Override
    protected ValidationReport run(Request request) throws CommandFailedException {
        VsphereLogin login = VsphereCommands.login(request.credentials());
        VsphereClient client;
        try {
            client = sessions.session(login);
        } catch (VsphereException e) {
            if (e.reason() == VsphereException.Reason.LOGIN_FAILED) {
                return PlacementValidator.loginFailed(login, e);
            }
            throw VsphereCommands.failed(e);
        }
        return validator.validate(client, request.placement() == null ? NOTHING_CHOSEN : request.placement());
    }
}
