package io.pcg.agent.cloudaccount;

import io.pcg.common.secrets.Secret;
import java.util.regex.Pattern;

/**
 * A vCenter account the gateway works with. {@code toString()} is safe for logs: the password is a {@link Secret}.
 *
 * @param name       how the account is referred to; {@value #DEFAULT} is the gateway's own (from {@code gateway.configure})
 * @param server     vCenter host name or address, optionally with {@code :port}
 * @param username   e.g. {@code administrator@vsphere.local}
 * @param password   the account's password
 * @param thumbprint the vCenter certificate fingerprint the connection is pinned to; empty when none is pinned
 */
public record CloudAccount(String name, String server, String username, Secret password, String thumbprint) {

    /** Name of the gateway's own account, the one {@link CloudAccountStore#defaultAccount()} returns. */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** @throws IllegalArgumentException when a field is missing or the name is not a DNS label */
    public CloudAccount {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("cloud account name '" + name + "' is not valid: use lower-case letters,"
                    + " digits and '-', at most 63, e.g. " + DEFAULT);
        }
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("cloud account " + name + " needs a vCenter server");
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("cloud account " + name + " needs a user name");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("cloud account " + name + " needs a password");
        }
        thumbprint = thumbprint == null ? "" : thumbprint;
    }
}
