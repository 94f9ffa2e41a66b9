package io.pcg.agent.vsphere;

import io.pcg.common.secrets.Secret;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vCenter session per (server, user), reused while it is alive: vCenter limits concurrent sessions, and a login
 * costs more than the calls the console makes. A session is replaced when it died, or when the password or the
 * pinned thumbprint changed. All sessions log out when the agent stops.
 */
@Singleton
public class VsphereSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VsphereSessions.class);

    /** How a session is opened; {@link VsphereConnector#connect} outside tests. */
    @FunctionalInterface
    interface Opener {
        VsphereClient open(VsphereLogin login, VsphereConfig config) throws VsphereException;
    }

    private record Entry(VsphereClient client, Secret password, String thumbprint) {}

    private final VsphereConfig config;
    private final Opener opener;
    private final Map<String, Entry> sessions = new HashMap<>();

    @Inject
    public VsphereSessions(VsphereConfig config) {
        this(config, VsphereConnector::connect);
    }

    VsphereSessions(VsphereConfig config, Opener opener) {
        this.config = config;
        this.opener = opener;
    }

    public VsphereConfig config() {
        return config;
    }

    /** The live session for this login, logging in when there is none (or it expired). Do not close it. */
    public synchronized VsphereClient session(VsphereLogin login) throws VsphereException {
        String key = login.authority().toLowerCase(Locale.ROOT) + "|"
                + login.username().toLowerCase(Locale.ROOT);
        Entry entry = sessions.get(key);
        if (entry != null) {
            boolean sameSecrets =
                    entry.password().equals(login.password()) && Objects.equals(entry.thumbprint(), login.thumbprint());
            if (sameSecrets && entry.client().isAlive()) {
                return entry.client();
            }
            LOG.info(
                    "replacing the vCenter session for {} on {} ({})",
                    login.username(),
                    login.authority(),
                    sameSecrets ? "it expired" : "credentials or pinned thumbprint changed");
            sessions.remove(key);
            entry.client().close();
        }
        VsphereClient client = opener.open(login, config);
        sessions.put(key, new Entry(client, login.password(), login.thumbprint()));
        return client;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        sessions.values().forEach(entry -> entry.client().close());
        sessions.clear();
    }
}
