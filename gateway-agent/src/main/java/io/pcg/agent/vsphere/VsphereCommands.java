package io.pcg.agent.vsphere;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.common.secrets.Secret;

/** What the {@code vsphere.*} command handlers share: their payload code, the credentials and the failure mapping. */
final class VsphereCommands {

    /** The code of a payload that cannot be read or names no usable vCenter. */
    static final String INVALID_REQUEST = VsphereException.Reason.INVALID_REQUEST.code();

    private VsphereCommands() {}

    /**
     * The vCenter and the account to log in with, as every command but {@code vsphere.thumbprint} carries them.
     *
     * @param thumbprint the certificate thumbprint the admin confirmed; absent means the JDK trust store decides
     */
    record Credentials(String server, String username, Secret password, String thumbprint) {}

    static VsphereLogin login(Credentials credentials) throws CommandFailedException {
        try {
            return VsphereLogin.of(
                    credentials.server(), credentials.username(), credentials.password(), credentials.thumbprint());
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(
                    INVALID_REQUEST,
                    e.getMessage(),
                    "Fill in server, username and password (and the thumbprint you confirmed).");
        }
    }

    static CommandFailedException failed(VsphereException e) {
        return new CommandFailedException(e.code(), e.getMessage(), e.hint());
    }
}
