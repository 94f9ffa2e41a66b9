package io.pcg.common.agentconfig;

/**
 * The agent's configuration file as the installer writes it and the agent reads it: where it is, the keys under
 * {@code pcg.agent} the installer sets, and the defaults both sides use. The agent binds these keys to its
 * {@code io.pcg.agent.config.AgentConfig}; a test there keeps the two in step.
 */
public final class AgentConfigKeys {

    /**
     * On the appliance; mode 0600, owned by {@link #AGENT_USER}, because it holds the PIN until the agent has paired
     * (the agent then removes it). pcg-agent.service points MICRONAUT_CONFIG_FILES at it.
     */
    public static final String FILE = "/etc/pcg/agent.yml";
    /** The system user and group the agent runs as (pcg-agent.service, created by the image build). */
    public static final String AGENT_USER = "pcg";

    public static final String PREFIX = "pcg.agent";

    public static final String NAME = "name";
    public static final String CONSOLE_ENDPOINT = "console-endpoint";
    public static final String PAIRING_CODE = "pairing-code";
    public static final String STATE_DIR = "state-dir";
    public static final String POD_CIDR = "pod-cidr";
    public static final String SERVICE_CIDR = "service-cidr";
    public static final String STATUS_BANNER_FILE = "status-banner-file";
    /**
     * On for the installer VM's agent too: it acts alone until the pivot, then campaigns in the gateway cluster
     * beside the agent's replicas there, so that two copies of the agent never act at once.
     */
    public static final String LEADER_ELECTION_ENABLED = "leader-election.enabled";

    public static final String DEFAULT_NAME = "pcg-gateway";
    public static final String DEFAULT_STATE_DIR = "/var/lib/pcg";
    public static final String DEFAULT_POD_CIDR = "192.168.0.0/16";
    public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";

    private AgentConfigKeys() {}
}
