package io.pcg.agent.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.pcg.common.agentconfig.AgentConfigKeys;
import io.pcg.common.console.ConsoleEndpoint;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's own settings, bound from {@code pcg.agent.*}. On the appliance the installer writes them to
 * {@code /etc/pcg/agent.yml} (mode 0600, it holds the PIN; {@link AgentConfigKeys} are the keys it sets) and the systemd unit points
 * {@code MICRONAUT_CONFIG_FILES} at it; every key can also come from the environment
 * (e.g. {@code PCG_AGENT_CONSOLE_ENDPOINT}). Proxy settings are not here: like every other program on the
 * appliance, the agent reads {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY} from its environment.
 *
 * @param name              installer name (OVF "Installer Name"); the console's gateway record is found by it
 * @param consoleEndpoint   console URL, {@code https://host[:port]} with no path and no trailing slash
 * @param pairingCode       PIN from the tenant portal; only needed until the agent has an identity
 * @param stateDir          where the identity (key 0600, certificate, CA bundle) and other state live
 * @param heartbeatInterval how often the control stream sends a heartbeat
 * @param connectTimeout    TCP/TLS connect timeout towards the console (and the proxy)
 * @param reconnectMaxDelay cap of the exponential reconnect backoff
 * @param keepaliveTime     silence on the control stream's connection after which the agent pings the console (gRPC
 *                          keepalive; gRPC raises anything under 10 s to 10 s)
 * @param keepaliveTimeout  how long a ping may go unanswered before the connection counts as dead (black-holed by a
 *                          firewall or NAT) and the agent reconnects; keepaliveTime + keepaliveTimeout bounds detection
 * @param registerTimeout   how long the console may take to answer Register on a new stream before the agent gives up
 *                          on it and reconnects
 * @param podCidr           pod network of the clusters this gateway creates (OVF "Pod CIDR")
 * @param serviceCidr       service network of those clusters (OVF "Service cluster IP range")
 * @param consoleCaFile     extra PEM CA bundle to trust for the console before pairing (the dev-console's own CA);
 *                          absent means the JDK's trust store, as for the public SaaS console
 * @param statusBannerFile  file the agent keeps its pairing/connection state in for the VM console's login banner
 *                          (the installer sets {@code /etc/issue.d/pcg-agent.issue}); absent means no banner
 * @param configFile        the file the PIN is taken out of once the identity is stored; absent means the one file
 *                          {@code MICRONAUT_CONFIG_FILES} names, else {@code /etc/pcg/agent.yml} ({@code PairingCodeRemoval})
 */
@ConfigurationProperties(AgentConfigKeys.PREFIX)
public record AgentConfig(
        @Bindable(defaultValue = AgentConfigKeys.DEFAULT_NAME)
        String name,

        @Bindable(defaultValue = ConsoleEndpoint.DEFAULT) String consoleEndpoint,
        @Bindable(defaultValue = "") String pairingCode,

        @Bindable(defaultValue = AgentConfigKeys.DEFAULT_STATE_DIR)
        Path stateDir,

        @Bindable(defaultValue = "15s") Duration heartbeatInterval,
        @Bindable(defaultValue = "10s") Duration connectTimeout,
        @Bindable(defaultValue = "30s") Duration reconnectMaxDelay,
        @Bindable(defaultValue = "20s") Duration keepaliveTime,
        @Bindable(defaultValue = "10s") Duration keepaliveTimeout,
        @Bindable(defaultValue = "15s") Duration registerTimeout,

        @Bindable(defaultValue = AgentConfigKeys.DEFAULT_POD_CIDR)
        String podCidr,

        @Bindable(defaultValue = AgentConfigKeys.DEFAULT_SERVICE_CIDR)
        String serviceCidr,

        @Nullable Path consoleCaFile,
        @Nullable Path statusBannerFile,
        @Nullable Path configFile) {

    /** The PIN never prints, even if someone logs the whole config. */
    @Override
    public String toString() {
        return "AgentConfig[name=" + name + ", consoleEndpoint=" + consoleEndpoint
                + ", pairingCode=" + (pairingCode == null || pairingCode.isEmpty() ? "" : "<redacted>")
                + ", stateDir=" + stateDir + ", heartbeatInterval=" + heartbeatInterval
                + ", connectTimeout=" + connectTimeout + ", reconnectMaxDelay=" + reconnectMaxDelay
                + ", keepaliveTime=" + keepaliveTime + ", keepaliveTimeout=" + keepaliveTimeout + ", registerTimeout="
                + registerTimeout
                + ", podCidr=" + podCidr + ", serviceCidr=" + serviceCidr + ", consoleCaFile=" + consoleCaFile
                + ", statusBannerFile=" + statusBannerFile
                + ", configFile=" + configFile + "]";
    }
}
