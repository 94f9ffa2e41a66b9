package io.pcg.cli.doctor;

/**
 * One line of {@code pcg doctor}.
 *
 * @param check  what was checked, the same words every run (e.g. {@code proxy authentication})
 * @param detail what was found
 * @param fix    what to do; empty for PASS
 */
public record CheckResult(String check, Outcome outcome, String detail, String fix) {

    public static CheckResult pass(String check, String detail) {
        return new CheckResult(check, Outcome.PASS, detail, "");
    }

    public static CheckResult warn(String check, String detail, String fix) {
        return new CheckResult(check, Outcome.WARN, detail, fix);
    }

    public static CheckResult fail(String check, String detail, String fix) {
        return new CheckResult(check, Outcome.FAIL, detail, fix);
    }

    public static CheckResult skip(String check, String why) {
        return new CheckResult(check, Outcome.SKIP, why, "");
    }
}
