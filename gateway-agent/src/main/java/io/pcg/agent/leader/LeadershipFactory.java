package io.pcg.agent.leader;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.pcg.agent.ipam.IpamConfig;
import jakarta.inject.Singleton;
import java.util.UUID;

/** The agent's {@link Leadership}; with election off (the default) it always acts and campaigns for nothing. */
@Factory
public class LeadershipFactory {

    /**
     * The identity is the pod's name (HOSTNAME in a pod), unique per replica. The Lease lives in the IPAM namespace of
     * the cluster the agent manages from, the gateway cluster once the agent runs in it.
     */
    @Singleton
    @Bean(preDestroy = "close")
    Leadership leadership(LeaderElectionSettings settings, IpamConfig ipam) {
        String identity = System.getenv().getOrDefault("HOSTNAME", "pcg-agent-" + UUID.randomUUID());
        return new Leadership(settings, ipam.namespace(), identity);
    }
}
