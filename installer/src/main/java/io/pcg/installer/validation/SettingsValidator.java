package io.pcg.installer.validation;

import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.console.PairingCode;
import io.pcg.common.errors.ErrorText;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.NoProxy;
import io.pcg.common.proxy.ProxyUrl;
import io.pcg.common.secrets.Secret;
import io.pcg.installer.ovf.OvfEnvironment;
import io.pcg.installer.ovf.OvfProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks every OVF property and reports every problem at once, so an operator who has to redeploy the VM fixes
 * everything in one go. Pure: the VM's addresses come in as an argument.
 */
public final class SettingsValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** kube-apiserver refuses larger service ranges (at most 2^20 addresses). */
    private static final int MAX_SERVICE_HOST_BITS = 20;
    /** Each node gets a /24 (IPv4) or /64 (IPv6) of the pod range, so the range must be at least that large. */
    private static final int IPV4_NODE_PREFIX = 24;

    private static final int IPV6_NODE_PREFIX = 64;
    private static final List<String> SPARE_RANGES = List.of(
            "192.168.0.0/16", "172.16.0.0/16", "172.20.0.0/16", "10.96.0.0/12", "100.64.0.0/16", "10.244.0.0/16");

    public Validation validate(OvfEnvironment environment, List<VmAddress> vmAddresses) {
        List<Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        String name = environment.value(OvfProperty.INSTALLER_NAME).strip();
        if (name.isEmpty()) {
            problems.add(new Problem(
                    OvfProperty.INSTALLER_NAME,
                    "is empty: set the name that identifies this gateway in the"
                            + " console, e.g. vcenter-dc1 (letters, digits and hyphens)"));
        } else if (!NAME.matcher(name).matches()) {
            problems.add(
                    new Problem(
                            OvfProperty.INSTALLER_NAME,
                            ErrorText.quote(name) + " is not a valid name: use 1 to 63"
                                    + " letters, digits and hyphens, starting and ending with a letter or digit, e.g. vcenter-dc1"));
        }

        ConsoleEndpoint endpoint = check(
                problems,
                OvfProperty.CONSOLE_ENDPOINT,
                valueOrDefault(environment, OvfProperty.CONSOLE_ENDPOINT, notes),
                SettingsValidator::parseEndpoint);
        Secret pairingCode = check(
                problems, OvfProperty.PAIRING_CODE, environment.value(OvfProperty.PAIRING_CODE), PairingCode::parse);

        String sshKeyText = environment.value(OvfProperty.SSH_PUBLIC_KEY);
        Optional<SshPublicKey> sshKey = Optional.empty();
        if (sshKeyText.isBlank()) {
            notes.add(OvfProperty.SSH_PUBLIC_KEY.displayName()
                    + " is empty: nobody can log in over SSH to troubleshoot this VM");
        } else {
            sshKey = Optional.ofNullable(check(problems, OvfProperty.SSH_PUBLIC_KEY, sshKeyText, SshPublicKey::parse));
        }

        Cidr podCidr = check(
                problems,
                OvfProperty.POD_CIDR,
                valueOrDefault(environment, OvfProperty.POD_CIDR, notes),
                Cidr::parseNormalising);
        Cidr serviceCidr = check(
                problems,
                OvfProperty.SERVICE_CIDR,
                valueOrDefault(environment, OvfProperty.SERVICE_CIDR, notes),
                Cidr::parseNormalising);
        checkNetworks(problems, podCidr, serviceCidr, vmAddresses);

        Optional<ProxyEndpoint> httpProxy = proxy(problems, environment, OvfProperty.HTTP_PROXY);
        Optional<ProxyEndpoint> httpsProxy = proxy(problems, environment, OvfProperty.HTTPS_PROXY);
        checkProxyPair(problems, environment);
        Stream.concat(httpProxy.stream(), httpsProxy.stream())
                .distinct()
                .forEach(proxy -> checkProxyOutsideClusterNetworks(problems, proxy, podCidr, serviceCidr));
        NoProxy noProxy =
                check(problems, OvfProperty.NO_PROXY, environment.value(OvfProperty.NO_PROXY), NoProxy::parse);
        boolean proxied = !environment.value(OvfProperty.HTTPS_PROXY).isBlank()
                || !environment.value(OvfProperty.HTTP_PROXY).isBlank();
        if (!proxied && !environment.value(OvfProperty.NO_PROXY).isBlank()) {
            notes.add(OvfProperty.NO_PROXY.displayName() + " is set but no proxy is: it is ignored");
        } else if (proxied && environment.value(OvfProperty.NO_PROXY).isBlank()) {
            notes.add(
                    OvfProperty.NO_PROXY.displayName() + " is empty: everything outside this VM's network, the pod and"
                            + " the service CIDR (including vCenter and ESXi hosts) will be reached through the proxy");
        }

        if (!problems.isEmpty()) {
            return new Validation(Optional.empty(), List.copyOf(problems), List.copyOf(notes));
        }
        InstallerSettings settings = new InstallerSettings(
                name,
                endpoint,
                pairingCode,
                sshKey,
                podCidr,
                serviceCidr,
                httpProxy,
                httpsProxy,
                noProxy,
                List.copyOf(vmAddresses));
        return new Validation(Optional.of(settings), List.of(), List.copyOf(notes));
    }

    private static ConsoleEndpoint parseEndpoint(String value) {
        // ConsoleEndpoint quotes the value in some messages: make sure a password typed into the URL is not among them.
        if (value.contains("@")) {
            throw new IllegalArgumentException("must not contain a user name or password ('@'): use only https://host,"
                    + " e.g. https://console.spectrocloud.com");
        }
        return ConsoleEndpoint.parse(value);
    }

    private static String valueOrDefault(OvfEnvironment environment, OvfProperty property, List<String> notes) {
        String value = environment.value(property);
        if (value.isBlank()) {
            notes.add(property.displayName() + " is empty: using the default " + property.defaultValue());
            return property.defaultValue();
        }
        return value;
    }

    private static <T> T check(List<Problem> problems, OvfProperty property, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(property, e.getMessage()));
            return null;
        }
    }

    private static void checkNetworks(
            List<Problem> problems, Cidr podCidr, Cidr serviceCidr, List<VmAddress> vmAddresses) {
        if (podCidr != null) {
            int nodePrefix = podCidr.isIpv4() ? IPV4_NODE_PREFIX : IPV6_NODE_PREFIX;
            if (podCidr.prefix() > nodePrefix) {
                problems.add(new Problem(
                        OvfProperty.POD_CIDR,
                        podCidr + " is too small: each node takes a /" + nodePrefix + " of it, so use a /"
                                + (nodePrefix - 8) + " or larger, e.g. " + OvfProperty.POD_CIDR.defaultValue()));
            }
        }
        if (serviceCidr != null) {
            int hostBits = (serviceCidr.isIpv4() ? 32 : 128) - serviceCidr.prefix();
            if (hostBits > MAX_SERVICE_HOST_BITS) {
                problems.add(new Problem(
                        OvfProperty.SERVICE_CIDR,
                        serviceCidr + " is too large: Kubernetes accepts at most /"
                                + ((serviceCidr.isIpv4() ? 32 : 128) - MAX_SERVICE_HOST_BITS) + ", e.g. "
                                + OvfProperty.SERVICE_CIDR.defaultValue()));
            }
        }
        if (podCidr != null && serviceCidr != null && podCidr.overlaps(serviceCidr)) {
            problems.add(new Problem(
                    OvfProperty.SERVICE_CIDR,
                    serviceCidr + " overlaps the Pod CIDR " + podCidr + ": the two ranges must be disjoint, e.g. "
                            + spareRange(List.of(podCidr), vmAddresses)));
        }
        for (VmAddress vm : vmAddresses) {
            Cidr vmNetwork = vm.network();
            if (podCidr != null && podCidr.overlaps(vmNetwork)) {
                problems.add(new Problem(
                        OvfProperty.POD_CIDR,
                        podCidr + " overlaps this VM's network " + vmNetwork
                                + ": choose a range not used on your network, e.g. "
                                + spareRange(listOf(serviceCidr), vmAddresses)));
            }
            if (serviceCidr != null && serviceCidr.overlaps(vmNetwork)) {
                problems.add(new Problem(
                        OvfProperty.SERVICE_CIDR,
                        serviceCidr + " overlaps this VM's network " + vmNetwork
                                + ": choose a range not used on your network, e.g. "
                                + spareRange(listOf(podCidr), vmAddresses)));
            }
        }
    }

    private static List<Cidr> listOf(Cidr cidr) {
        return cidr == null ? List.of() : List.of(cidr);
    }

    /** A suggestion that is actually free: overlaps neither the other range nor any network of the VM. */
    private static String spareRange(List<Cidr> taken, List<VmAddress> vmAddresses) {
        return SPARE_RANGES.stream()
                .map(Cidr::parse)
                .filter(candidate -> taken.stream().noneMatch(candidate::overlaps))
                .filter(candidate -> vmAddresses.stream().noneMatch(vm -> candidate.overlaps(vm.network())))
                .map(Cidr::toString)
                .findFirst()
                .orElse("a private range unused on your network");
    }

    private static Optional<ProxyEndpoint> proxy(
            List<Problem> problems, OvfEnvironment environment, OvfProperty property) {
        String value = environment.value(property).strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        ProxyUrl parsed = check(problems, property, value, ProxyUrl::parse);
        return parsed == null ? Optional.empty() : Optional.of(new ProxyEndpoint(Secret.of(value), parsed));
    }

    /** The seed: in a proxy environment every proxy property is mandatory; they may hold the same URL. */
    private static void checkProxyPair(List<Problem> problems, OvfEnvironment environment) {
        boolean http = !environment.value(OvfProperty.HTTP_PROXY).isBlank();
        boolean https = !environment.value(OvfProperty.HTTPS_PROXY).isBlank();
        if (http != https) {
            OvfProperty empty = http ? OvfProperty.HTTPS_PROXY : OvfProperty.HTTP_PROXY;
            OvfProperty set = http ? OvfProperty.HTTP_PROXY : OvfProperty.HTTPS_PROXY;
            problems.add(new Problem(
                    empty,
                    "is empty but " + set.label() + " is set: set both (they may be the same URL,"
                            + " e.g. http://proxy.example.com:3128), or clear both for a direct connection"));
        }
    }

    private static void checkProxyOutsideClusterNetworks(
            List<Problem> problems, ProxyEndpoint proxy, Cidr podCidr, Cidr serviceCidr) {
        Optional<Ip> address = Ip.tryParse(proxy.parsed().host());
        if (address.isEmpty()) {
            return;
        }
        if (podCidr != null && podCidr.contains(address.get())) {
            problems.add(new Problem(
                    OvfProperty.POD_CIDR,
                    podCidr + " contains the proxy " + proxy
                            + ": pods could not reach it; choose a range that does not include the proxy's address"));
        }
        if (serviceCidr != null && serviceCidr.contains(address.get())) {
            problems.add(new Problem(
                    OvfProperty.SERVICE_CIDR,
                    serviceCidr + " contains the proxy " + proxy
                            + ": nodes could not reach it; choose a range that does not include the proxy's address"));
        }
    }
}
