package io.pcg.cli.doctor;

/** A {@code host[:port]} as operators write them; IPv6 literals in brackets when a port follows. */
public record HostPort(String host, int port) {

    /** @throws IllegalArgumentException saying how a valid value looks */
    public static HostPort parse(String text, int defaultPort) {
        String value = text == null ? "" : text.trim();
        String example = ": expected host or host:port, e.g. ntp.example.com:123 or [2001:db8::1]:443";
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty address" + example);
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + value + "' has no closing ']'" + example);
            }
            String rest = value.substring(close + 1);
            return new HostPort(
                    value.substring(1, close), rest.isEmpty() ? defaultPort : port(value, rest.substring(1), example));
        }
        int colon = value.indexOf(':');
        if (colon < 0 || value.indexOf(':', colon + 1) >= 0) {
            // No port, or a bare IPv6 literal.
            return new HostPort(value, defaultPort);
        }
        return new HostPort(value.substring(0, colon), port(value, value.substring(colon + 1), example));
    }

    private static int port(String value, String port, String example) {
        try {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + value + "' has port '" + port + "', not 1 to 65535" + example);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
