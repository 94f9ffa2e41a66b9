package io.pcg.console;

import io.micronaut.runtime.Micronaut;

/** Entry point of the dev-console. Runs in the "console" environment so its config never mixes with the agent's. */
public final class DevConsoleApplication {

    public static final String ENVIRONMENT = "console";
    /** Logback file of the standalone process; not named logback.xml so it never shadows the agent's. */
    static final String LOGBACK_CONFIG = "logback-console.xml";

    private DevConsoleApplication() {}

    public static void main(String[] args) {
        // Must happen before the first logger exists; an operator's -Dlogback.configurationFile still wins.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        Micronaut.build(args)
                .mainClass(DevConsoleApplication.class)
                .defaultEnvironments(ENVIRONMENT)
                .deduceEnvironment(false)
                .banner(false)
                .start();
    }
}
