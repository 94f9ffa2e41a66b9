package io.pcg.agent;

import io.micronaut.runtime.Micronaut;

/** Entry point of the appliance agent. Runs in the "agent" environment so its config never mixes with the dev-console's. */
public final class GatewayAgentApplication {

    public static final String ENVIRONMENT = "agent";

    private GatewayAgentApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(GatewayAgentApplication.class)
                .defaultEnvironments(ENVIRONMENT)
                .deduceEnvironment(false)
                .banner(false)
                .start();
    }
}
