package io.pcg.agent.cluster;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.bootstrap.BootstrapFactory;
import io.pcg.common.process.CommandRunner;
import io.pcg.simulators.tools.SimulatedTools;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Runs the agent's kind and clusterctl through {@link SimulatedTools} in an agent context started with
 * {@code pcg.test.simulated-tools=true}: the test sets {@link #tools} before it starts the agent.
 */
@Factory
@Requires(property = SimulatedToolsFactory.PROPERTY, value = "true")
public class SimulatedToolsFactory {

    public static final String PROPERTY = "pcg.test.simulated-tools";
    static volatile SimulatedTools tools;

    @Singleton
    @Named(BootstrapFactory.TOOLS)
    @Replaces(value = CommandRunner.class, named = BootstrapFactory.TOOLS, factory = BootstrapFactory.class)
    CommandRunner simulatedTools() {
        if (tools == null) {
            throw new IllegalStateException("set SimulatedToolsFactory.tools before starting the agent");
        }
        return tools;
    }
}
