package io.pcg.agent.events;

import io.pcg.common.proxy.ProxyUrl;
import io.pcg.common.secrets.Secret;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes text fit for the console: events and condition messages end up in a SaaS database and in front of people,
 * so they must never carry a secret. {@link Secret} already prints as {@value Secret#REDACTED}; this is the second
 * line of defence for text that came from elsewhere (an exception message, a server's answer, a URL from the
 * environment) and quotes a secret anyway: credentials in URLs (redacted as {@link ProxyUrl#redact} does for the
 * proxy), {@code password=...}-style pairs in plain text and JSON, HTTP Basic/Bearer credentials and PEM private
 * keys. It also bounds the length, since every event is kept (and buffered while the console is unreachable).
 */
public final class SafeText {

    /** Longest text kept; a longer one is cut and ends with an ellipsis. */
    static final int MAX_LENGTH = 1024;

    private static final String SECRET_KEYS =
            "password|passwd|passphrase|secret|token|pin|pairing[-_]?code|api[-_]?key|private[-_]?key";
    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", Pattern.DOTALL);
    private static final Pattern URL = Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://\\S+");
    /** {@code "password": "..."} in JSON: a string value runs to its closing quote (it may contain spaces). */
    private static final Pattern JSON_SECRET =
            Pattern.compile("(?i)(\"(?:" + SECRET_KEYS + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,}\\]]+)");
    /** {@code password=...}, {@code token: '...'} in plain text: a quoted value, or up to the next space or separator. */
    private static final Pattern PLAIN_SECRET =
            Pattern.compile("(?i)\\b(" + SECRET_KEYS + ")(\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}]+)");

    private static final Pattern HTTP_CREDENTIALS = Pattern.compile("(?i)\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]{6,}");

    private SafeText() {}

    /** The text with anything that looks like a secret replaced by {@value Secret#REDACTED}; null becomes empty. */
    public static String of(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String safe = PEM_PRIVATE_KEY.matcher(text).replaceAll(Matcher.quoteReplacement(Secret.REDACTED));
        safe = URL.matcher(safe).replaceAll(url -> Matcher.quoteReplacement(ProxyUrl.redact(url.group())));
        safe = JSON_SECRET.matcher(safe).replaceAll("$1" + Matcher.quoteReplacement("\"" + Secret.REDACTED + "\""));
        safe = PLAIN_SECRET.matcher(safe).replaceAll("$1$2" + Matcher.quoteReplacement(Secret.REDACTED));
        safe = HTTP_CREDENTIALS.matcher(safe).replaceAll("$1 " + Matcher.quoteReplacement(Secret.REDACTED));
        return safe.length() <= MAX_LENGTH ? safe : safe.substring(0, MAX_LENGTH - 1) + "…";
    }
}
