package io.pcg.common.agentconfig;

import java.util.regex.Pattern;

/**
 * Edits the agent's configuration file as text, so that everything else in it (comments, order, quoting, keys the
 * agent does not know) stays as the installer or the operator wrote it. Understands the one-line entries the
 * installer writes ({@code key: "value"} under {@code pcg:}/{@code agent:}) and their flat form
 * ({@code pcg.agent.key: value}); a caller that must be sure checks the result by parsing it.
 */
public final class AgentConfigText {

    private AgentConfigText() {}

    /** {@code yaml} without the lines that set {@code pcg.agent.<key>}; unchanged when there is none. */
    public static String withoutSetting(String yaml, String key) {
        Pattern setting = Pattern.compile(
                "^[ \\t]*(" + Pattern.quote(AgentConfigKeys.PREFIX + ".") + ")?" + Pattern.quote(key)
                        + "[ \\t]*:.*(\\r?\\n|$)",
                Pattern.MULTILINE);
        return setting.matcher(yaml).replaceAll("");
    }
}
