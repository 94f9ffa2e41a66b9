package io.pcg.agent.bootstrap;

import io.micronaut.context.annotation.Factory;
import io.pcg.agent.bootstrap.kind.KindManagementCluster;
import io.pcg.agent.config.AgentConfig;
import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The appliance's bootstrap: kind for the management cluster, the tools run as child processes. */
@Factory
public class BootstrapFactory {

    /** The runner of kind and clusterctl; tests replace it with simulated tools. */
    public static final String TOOLS = "bootstrap-tools";
    /** The kubeconfig of the kind cluster, in the agent's state folder. */
    public static final String BOOTSTRAP_KUBECONFIG = "bootstrap.kubeconfig";

    @Singleton
    @Named(TOOLS)
    CommandRunner tools(BootstrapConfig config) {
        Duration longest = config.kindTimeout().compareTo(config.clusterctlTimeout()) > 0
                ? config.kindTimeout()
                : config.clusterctlTimeout();
        // The tools' own timeouts come first; this only stops a tool that hangs past them.
        return new ProcessCommandRunner(longest.plusMinutes(1))
                .withEnvironment(java.util.Map.of("CLUSTERCTL_DISABLE_VERSIONCHECK", "true"));
    }

    @Singleton
    ManagementClusterBootstrap managementCluster(
            BootstrapConfig config, @Named(TOOLS) CommandRunner tools, AgentConfig agent) {
        return new KindManagementCluster(config, tools, agent.stateDir().resolve(BOOTSTRAP_KUBECONFIG));
    }
}
