package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Singleton;

/**
 * {@code vsphere.validate}: checks the account and placement and returns the {@link ValidationReport}.
 * Payload: {@code server, username, password, thumbprint?, placement{datacenter, cluster, datastore, network,
 * resourcePool?, folder?}}. A wrong password is a report line (FAIL credentials); an unreachable or non-vCenter
 * server, or an untrusted certificate, fails the command with its own code.
 */
@Singleton
public class VsphereValidateHandler extends TypedCommandHandler<VsphereValidateHandler.Request> {

    private final VcenterValidation validation;

    public VsphereValidateHandler(VcenterValidation validation) {
        super(Request.class, VsphereCommands.INVALID_REQUEST, UnknownFields.IGNORE);
        this.validation = validation;
    }

    @Override
    public String type() {
        return "vsphere.validate";
    }

    /** The credentials and the placement to check; a missing placement is checked as nothing chosen. */
    record Request(String server, String username, Secret password, String thumbprint, Placement placement) {}

    @Override
    protected ValidationReport run(Request request) throws CommandFailedException {
        return validation.validate(
                request.server(), request.username(), request.password(), request.thumbprint(), request.placement());
    }
}
