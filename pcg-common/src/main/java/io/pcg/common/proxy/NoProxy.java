package io.pcg.common.proxy;

import io.pcg.common.errors.ErrorText;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A NO_PROXY list: hosts, domain suffixes ({@code .corp.example} or {@code corp.example}, both matching the
 * domain and everything below it), IP addresses, CIDRs and {@code *} (no proxy at all). Matching is
 * case-insensitive and never resolves names, so a host named by IP matches only IP and CIDR entries.
 */
public final class NoProxy {

    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    /** Entries every appliance and cluster node bypasses the proxy for, besides the networks passed in. */
    static final List<String> LOCAL_ENTRIES = List.of("localhost", "127.0.0.1", ".svc", ".cluster.local");

    private final List<String> entries;
    private final boolean matchesAll;
    private final List<String> suffixes;
    private final List<Cidr> networks;

    private NoProxy(List<String> entries) {
        this.entries = List.copyOf(entries);
        this.matchesAll = entries.contains("*");
        List<String> parsedSuffixes = new ArrayList<>();
        List<Cidr> parsedNetworks = new ArrayList<>();
        for (String entry : entries) {
            Optional<Ip> ip = Ip.tryParse(entry);
            if (ip.isPresent()) {
                parsedNetworks.add(Cidr.of(ip.get()));
            } else if (entry.contains("/")) {
                parsedNetworks.add(Cidr.parseNormalising(entry));
            } else if (!"*".equals(entry)) {
                parsedSuffixes.add(stripDomainPrefix(entry).toLowerCase(Locale.ROOT));
            }
        }
        this.suffixes = List.copyOf(parsedSuffixes);
        this.networks = List.copyOf(parsedNetworks);
    }

    /** Invalid entries named in a refusal; the rest are counted. */
    static final int SHOWN_PROBLEMS = 5;

    public static NoProxy none() {
        return new NoProxy(List.of());
    }

    /**
     * Parses a comma-separated list; blanks between commas are ignored.
     *
     * @throws IllegalArgumentException naming every invalid entry, with what NO_PROXY accepts
     */
    public static NoProxy parse(String commaSeparated) {
        List<String> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String raw : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            entryProblem(entry).ifPresentOrElse(problems::add, () -> entries.add(entry));
        }
        if (!problems.isEmpty()) {
            // Thousands of bad entries must not make a message nobody can read (or a log line of megabytes).
            String shown = String.join("; ", problems.subList(0, Math.min(problems.size(), SHOWN_PROBLEMS)))
                    + (problems.size() > SHOWN_PROBLEMS ? "; and " + (problems.size() - SHOWN_PROBLEMS) + " more" : "");
            throw new IllegalArgumentException("NO_PROXY has invalid entries: " + shown
                    + ". It takes a comma-separated list of host names, domains (.example.com), IP addresses and CIDRs,"
                    + " e.g. vcenter.example.com,.example.org,10.10.0.0/16");
        }
        return new NoProxy(entries);
    }

    private static Optional<String> entryProblem(String entry) {
        if ("*".equals(entry) || Ip.tryParse(entry).isPresent()) {
            return Optional.empty();
        }
        if (entry.contains("://")) {
            return Optional.of(ErrorText.quote(entry) + " is a URL; give only the host name");
        }
        if (entry.contains("/")) {
            try {
                Cidr.parseNormalising(entry);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        }
        if (entry.contains(":")) {
            return Optional.of(ErrorText.quote(entry) + " has a port; NO_PROXY entries are hosts without ports");
        }
        if (!HOST_NAME.matcher(stripDomainPrefix(entry)).matches()) {
            return Optional.of(ErrorText.quote(entry) + " is not a host name, domain, IP address or CIDR");
        }
        return Optional.empty();
    }

    private static String stripDomainPrefix(String entry) {
        if (entry.startsWith("*.")) {
            return entry.substring(2);
        }
        return entry.startsWith(".") ? entry.substring(1) : entry;
    }

    /** True when connections to {@code host} (a name or an IP literal, without port) must not use the proxy. */
    public boolean matches(String host) {
        if (matchesAll) {
            return true;
        }
        Optional<Ip> ip = Ip.tryParse(host);
        if (ip.isPresent()) {
            return networks.stream().anyMatch(network -> network.contains(ip.get()));
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String suffix : suffixes) {
            if (name.equals(suffix) || name.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }

    public List<String> entries() {
        return entries;
    }

    /**
     * The NO_PROXY list for the appliance and every node it creates: the operator's entries first, in their order,
     * then {@code localhost}, {@code 127.0.0.1}, the pod and service networks, {@code .svc}, {@code .cluster.local}
     * and the given local networks (the VM's own network, later the node network and control-plane VIP).
     * Duplicates are dropped, so applying it twice changes nothing.
     */
    public static List<String> effective(
            NoProxy operatorEntries, Cidr podCidr, Cidr serviceCidr, Collection<String> localNetworks) {
        Set<String> result = new LinkedHashSet<>(operatorEntries.entries());
        result.add(LOCAL_ENTRIES.get(0));
        result.add(LOCAL_ENTRIES.get(1));
        result.add(podCidr.toString());
        result.add(serviceCidr.toString());
        result.add(LOCAL_ENTRIES.get(2));
        result.add(LOCAL_ENTRIES.get(3));
        result.addAll(localNetworks);
        return List.copyOf(result);
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
