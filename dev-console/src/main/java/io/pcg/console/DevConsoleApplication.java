package io.pcg.console;

import io.micronaut.runtime.Micronaut;

/** Entry point of the dev-console. Runs in the "console" environment so its config never mixes with the agent's. */
public final class DevConsoleApplication {

    public static final String ENVIRONMENT = "console";

    private DevConsoleApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(DevConsoleApplication.class)
                .defaultEnvironments(ENVIRONMENT)
                .deduceEnvironment(false)
                .start();
    }
}
