package io.pcg.agent.link;

/** Raised when an attempt to reach the console failed for a classified reason. */
public class ProblemException extends Exception {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.toString(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
