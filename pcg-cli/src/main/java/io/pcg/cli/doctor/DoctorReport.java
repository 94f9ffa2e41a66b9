package io.pcg.cli.doctor;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Renders the checks, one line each with the fix below, and a summary; FAIL anywhere means exit code 1. */
public final class DoctorReport {

    public static final int FAILED = 1;

    private DoctorReport() {}

    public static String render(List<CheckResult> results) {
        int width = results.stream()
                .mapToInt(result -> result.check().length())
                .max()
                .orElse(0);
        StringBuilder text = new StringBuilder();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (CheckResult result : results) {
            counts.merge(result.outcome(), 1, Integer::sum);
            text.append(
                    String.format("%-4s  %-" + width + "s  %s%n", result.outcome(), result.check(), result.detail()));
            if (!result.fix().isEmpty()) {
                text.append(" ".repeat(6)).append("fix: ").append(result.fix()).append(System.lineSeparator());
            }
        }
        text.append(System.lineSeparator());
        StringBuilder summary = new StringBuilder();
        for (Outcome outcome : Outcome.values()) {
            summary.append(summary.isEmpty() ? "" : ", ")
                    .append(counts.getOrDefault(outcome, 0))
                    .append(' ')
                    .append(outcome);
        }
        return text.append(summary).append(System.lineSeparator()).toString();
    }

    public static int exitCode(List<CheckResult> results) {
        return results.stream().anyMatch(result -> result.outcome() == Outcome.FAIL) ? FAILED : 0;
    }
}
