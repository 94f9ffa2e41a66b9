package io.pcg.agent.vsphere;

import java.util.Comparator;
import java.util.List;

/**
 * The answer to "can the gateway go here?": one line per check, worst first in {@link #status()}.
 *
 * @param vcenter {@code host:port} validated
 */
public record ValidationReport(String vcenter, Status status, List<Check> checks) {

    public enum Status {
        PASS,
        WARN,
        FAIL
    }

    /**
     * @param id      stable check id, e.g. {@code privileges.datastore} or {@code ntp}
     * @param object  the vSphere object concerned (inventory path or {@code vCenter host:port})
     * @param message what was found
     * @param hint    how to fix it; empty when it passed
     */
    public record Check(String id, Status status, String object, String message, String hint) {

        public static Check pass(String id, String object, String message) {
            return new Check(id, Status.PASS, object, message, "");
        }

        public static Check warn(String id, String object, String message, String hint) {
            return new Check(id, Status.WARN, object, message, hint);
        }

        public static Check fail(String id, String object, String message, String hint) {
            return new Check(id, Status.FAIL, object, message, hint);
        }
    }

    public static ValidationReport of(String vcenter, List<Check> checks) {
        Status worst = checks.stream()
                .map(Check::status)
                .max(Comparator.naturalOrder())
                .orElse(Status.PASS);
        return new ValidationReport(vcenter, worst, List.copyOf(checks));
    }

    public List<Check> checks(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).toList();
    }
}
