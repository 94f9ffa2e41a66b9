package io.pcg.cli.doctor;

/** How a check came out. Only FAIL makes {@code pcg doctor} exit non-zero. */
public enum Outcome {
    PASS,
    /** Works, but something deserves a look (see the fix). */
    WARN,
    /** Broken: the gateway cannot work this way (see the fix). */
    FAIL,
    /** Not run: it depends on a check that failed, or does not apply. */
    SKIP
}
