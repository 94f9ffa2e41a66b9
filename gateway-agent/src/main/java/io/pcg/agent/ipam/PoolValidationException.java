package io.pcg.agent.ipam;

import java.util.List;

/** A pool definition has mistakes; {@link #problems()} lists every one, each saying what to change. */
public class PoolValidationException extends Exception {

    private final List<String> problems;

    public PoolValidationException(String poolName, List<String> problems) {
        super("IP pool '" + poolName + "' is not valid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
