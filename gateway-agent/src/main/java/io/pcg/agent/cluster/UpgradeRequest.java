package io.pcg.agent.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code gateway.upgrade} payload: what Palette's upgrade notification applies to the gateway cluster. At least one
 * of the three; each given one must be newer than (or, for the node template, other than) what runs now.
 *
 * @param kubernetesVersion the gateway cluster's new Kubernetes version, e.g. {@code v1.35.0}; one minor at a time
 * @param nodeTemplate      the new node image: the vSphere VM template the nodes are cloned from
 * @param agentVersion      the new version of the agent the gateway cluster runs, e.g. {@code 0.2.0}
 * @param requestedBy       who or what asked, for the upgrade details, e.g. {@code admin@tenant} or
 *                          {@code palette:security-release}; {@value #CONSOLE} when absent
 */
record UpgradeRequest(String kubernetesVersion, String nodeTemplate, String agentVersion, String requestedBy) {

    static final String CONSOLE = "console";
    static final String KUBERNETES_VERSION = "kubernetesVersion";
    static final String NODE_TEMPLATE = "nodeTemplate";
    static final String AGENT_VERSION = "agentVersion";

    private static final Pattern KUBERNETES = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern AGENT = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?");

    /** What runs now, and whether the gateway can take an upgrade. */
    record Current(
            GatewayState state, String activity, String kubernetesVersion, String nodeTemplate, String agentVersion) {}

    /** Why an upgrade is refused: a code for the console, what is wrong, how to fix it. */
    record Refusal(String code, String message, String hint) {}

    /**
     * Why this upgrade cannot start on a gateway in {@code current}; empty when it can. Nothing is changed before
     * this answers empty.
     */
    Optional<Refusal> refusal(Current current) {
        if (current.state() != GatewayState.RUNNING) {
            return Optional.of(new Refusal(
                    GatewayCommands.WRONG_STATE,
                    "the gateway cannot be upgraded while it is " + current.activity(),
                    "Upgrade once the gateway cluster is Running again."));
        }
        if (blank(kubernetesVersion) && blank(nodeTemplate) && blank(agentVersion)) {
            return invalid(
                    "gateway.upgrade names nothing to upgrade",
                    "Give kubernetesVersion, nodeTemplate or agentVersion (or several).");
        }
        if (!blank(kubernetesVersion)) {
            Matcher to = KUBERNETES.matcher(kubernetesVersion.strip());
            if (!to.matches()) {
                return invalid(
                        "kubernetesVersion '" + kubernetesVersion + "' is not a Kubernetes version",
                        "Write it as vMAJOR.MINOR.PATCH, e.g. v1.35.0.");
            }
            Matcher from = KUBERNETES.matcher(current.kubernetesVersion());
            if (from.matches()) {
                int order = compare(to, from);
                if (order == 0) {
                    return refused(
                            "the gateway cluster runs Kubernetes " + current.kubernetesVersion() + " already",
                            "Leave kubernetesVersion out, or give a newer version.");
                }
                if (order < 0) {
                    return refused(
                            "Kubernetes cannot be downgraded from " + current.kubernetesVersion() + " to "
                                    + kubernetesVersion.strip(),
                            "Give a version newer than " + current.kubernetesVersion() + ".");
                }
                int minors = Integer.parseInt(to.group(2)) - Integer.parseInt(from.group(2));
                if (!to.group(1).equals(from.group(1)) || minors > 1) {
                    return refused(
                            "Kubernetes upgrades one minor version at a time: " + current.kubernetesVersion()
                                    + " cannot go to " + kubernetesVersion.strip() + " directly",
                            "Upgrade to v" + from.group(1) + "." + (Integer.parseInt(from.group(2)) + 1)
                                    + ".x first, then on.");
                }
            }
        }
        if (nodeTemplate != null && !nodeTemplate.isEmpty() && nodeTemplate.isBlank()) {
            return invalid("nodeTemplate is blank", "Name the VM template in vSphere, or leave nodeTemplate out.");
        }
        if (!blank(nodeTemplate) && nodeTemplate.strip().equals(current.nodeTemplate())) {
            return refused(
                    "the nodes are cloned from " + current.nodeTemplate() + " already",
                    "Leave nodeTemplate out, or name the new VM template.");
        }
        if (!blank(agentVersion)) {
            Matcher to = AGENT.matcher(agentVersion.strip());
            if (!to.matches()) {
                return invalid(
                        "agentVersion '" + agentVersion + "' is not a version",
                        "Write it as MAJOR.MINOR.PATCH, e.g. 0.2.0.");
            }
            Matcher from = AGENT.matcher(current.agentVersion());
            if (agentVersion.strip().equals(current.agentVersion())) {
                return refused(
                        "the gateway runs agent " + current.agentVersion() + " already",
                        "Leave agentVersion out, or give a newer version.");
            }
            if (from.matches()) {
                int order = compare(to, from);
                // Same numbers: a release replaces its own pre-release (0.2.0 after 0.2.0-SNAPSHOT), not the reverse.
                boolean downgrade = order < 0 || (order == 0 && to.group(4) != null);
                if (downgrade) {
                    return refused(
                            "the agent cannot be downgraded from " + current.agentVersion() + " to "
                                    + agentVersion.strip(),
                            "Give a version newer than " + current.agentVersion() + ".");
                }
            }
        }
        return Optional.empty();
    }

    /** The upgrade details to record: from what to what, who asked, when. Call only after {@link #refusal} is empty. */
    UpgradeDetails upgrade(Current current, Instant now) {
        List<UpgradeDetails.Change> changes = new ArrayList<>();
        if (!blank(kubernetesVersion)) {
            changes.add(new UpgradeDetails.Change(
                    KUBERNETES_VERSION, current.kubernetesVersion(), kubernetesVersion.strip()));
        }
        if (!blank(nodeTemplate)) {
            changes.add(new UpgradeDetails.Change(NODE_TEMPLATE, current.nodeTemplate(), nodeTemplate.strip()));
        }
        if (!blank(agentVersion)) {
            changes.add(new UpgradeDetails.Change(AGENT_VERSION, current.agentVersion(), agentVersion.strip()));
        }
        return new UpgradeDetails(changes, blank(requestedBy) ? CONSOLE : requestedBy.strip(), now, null);
    }

    private static int compare(Matcher a, Matcher b) {
        for (int group = 1; group <= 3; group++) {
            int order = Integer.compare(Integer.parseInt(a.group(group)), Integer.parseInt(b.group(group)));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static Optional<Refusal> invalid(String message, String hint) {
        return Optional.of(new Refusal(GatewayCommands.INVALID_REQUEST, message, hint));
    }

    private static Optional<Refusal> refused(String message, String hint) {
        return Optional.of(new Refusal(GatewayCommands.UPGRADE_REFUSED, message, hint));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
