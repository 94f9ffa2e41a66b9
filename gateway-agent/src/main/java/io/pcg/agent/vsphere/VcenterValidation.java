package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * "Can the gateway go here?": logs in to vCenter (through the shared sessions) and checks the account and the
 * placement. Serves {@code vsphere.validate} and the validation that starts {@code gateway.configure}.
 */
@Singleton
public class VcenterValidation {

    private static final Placement NOTHING_CHOSEN = new Placement(null, null, null, null, null, null);

    private final VsphereSessions sessions;
    private final PlacementValidator validator;

    @Inject
    public VcenterValidation(VsphereSessions sessions) {
        this(sessions, new PlacementValidator(PrivilegeRequirements.load()));
    }

    VcenterValidation(VsphereSessions sessions, PlacementValidator validator) {
        this.sessions = sessions;
        this.validator = validator;
    }

    /**
     * A wrong password is a report line (FAIL credentials); an unreachable or non-vCenter server, or an untrusted
     * certificate, fails with its own code.
     *
     * @param placement what to check; null is checked as nothing chosen
     */
    public ValidationReport validate(
            String server, String username, Secret password, String thumbprint, Placement placement)
            throws CommandFailedException {
        VsphereLogin login =
                VsphereCommands.login(new VsphereCommands.Credentials(server, username, password, thumbprint));
        VsphereClient client;
        try {
            client = sessions.session(login);
        } catch (VsphereException e) {
            if (e.reason() == VsphereException.Reason.LOGIN_FAILED) {
                return PlacementValidator.loginFailed(login, e);
            }
            throw VsphereCommands.failed(e);
        }
        return validator.validate(client, placement == null ? NOTHING_CHOSEN : placement);
    }
}
