package io.pcg.common.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The secret values this process has seen (every {@link Secret} registers its value), so the log layout can mask
 * them in whatever line they end up in: a safety net behind never logging them, for texts quoted from elsewhere
 * (an exception message that echoes a request, a server answer). Values shorter than {@link #MIN_LENGTH} are not
 * kept: masking every "admin" or "1234" would mangle ordinary log text and tell an attacker the value's length is
 * short anyway. At most {@link #CAPACITY} values are kept, the oldest registration dropped first, so a process that
 * sees many secrets over its life cannot grow without bound.
 */
public final class KnownSecrets {

    public static final String MASK = "***";
    public static final int MIN_LENGTH = 6;
    static final int CAPACITY = 256;

    /** PEM private keys are masked by shape too: a key read from a file may never have been a {@link Secret}. */
    private static final Pattern PRIVATE_KEY_PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(-----END \\1PRIVATE KEY-----|$)", Pattern.DOTALL);

    /** Access order; guarded by itself. */
    private static final Map<String, Boolean> VALUES = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };
    /** Longest first, so a secret that contains another is masked whole; rebuilt on registration, read lock-free. */
    private static volatile List<String> longestFirst = List.of();

    private KnownSecrets() {}

    /** Remembers {@code value} for {@link #mask}; null, blank and short values are ignored. */
    public static void register(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            return;
        }
        synchronized (VALUES) {
            if (VALUES.put(value, Boolean.TRUE) == null) {
                List<String> sorted = new ArrayList<>(VALUES.keySet());
                sorted.sort(Comparator.comparingInt(String::length).reversed());
                longestFirst = List.copyOf(sorted);
            }
        }
    }

    /** {@code text} with every registered value and every PEM private key replaced by {@link #MASK}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String value : longestFirst) {
            if (masked.contains(value)) {
                masked = masked.replace(value, MASK);
            }
        }
        if (masked.contains("PRIVATE KEY-----")) {
            masked = PRIVATE_KEY_PEM.matcher(masked).replaceAll(MASK);
        }
        return masked;
    }
}
