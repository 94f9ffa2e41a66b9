package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpRange;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolArithmeticTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.5, ip-10-0-0-5",
        "fd00::1, ip-fd00-0000-0000-0000-0000-0000-0000-0001",
        "::, ip-0000-0000-0000-0000-0000-0000-0000-0000",
    })
    void addressObjectNamesAreDnsSafe(String address, String name) {
        assertThat(IpamApi.addressObjectName(Ip.parse(address)))
                .isEqualTo(name)
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // range, gateway, prefix, taken, expected first free
                "10.0.0.0-10.0.0.10 | 10.0.0.1 | 24 |                    | 10.0.0.2",
                "10.0.0.0-10.0.0.10 | 10.0.0.1 | 24 | 10.0.0.2 10.0.0.3  | 10.0.0.4",
                "10.0.0.250-10.0.0.255 | 10.0.0.1 | 24 | 10.0.0.250 10.0.0.251 10.0.0.252 10.0.0.253 10.0.0.254 | NONE",
                "fd00::-fd00::4 | fd00::1 | 64 | fd00::2 | fd00::3",
            })
    void firstFreeSkipsNetworkBroadcastGatewayAndTaken(
            String range, String gateway, int prefix, String taken, String expected) {
        IpRange ipRange = IpRange.parse(range);
        Pool pool = new Pool(
                "p",
                NetworkType.RANGE,
                ipRange,
                Cidr.containing(Ip.parse(gateway), prefix),
                Ip.parse(gateway),
                java.util.List.of(),
                false,
                java.util.List.of());
        Set<BigInteger> held = new java.util.HashSet<>();
        if (taken != null) {
            for (String address : taken.trim().split(" +")) {
                held.add(Ip.parse(address).value());
            }
        }
        String free = pool.firstFree(held::contains).map(Ip::toString).orElse("NONE");
        assertThat(free).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // start, taken, expected: the search goes on from start and wraps around to the pool's first address
                "10.0.0.5  |                   | 10.0.0.5",
                "10.0.0.5  | 10.0.0.5 10.0.0.6 | 10.0.0.7",
                "10.0.0.10 | 10.0.0.10         | 10.0.0.2",
                "10.0.0.11 |                   | 10.0.0.2",
                "10.0.0.0  |                   | 10.0.0.2",
                "10.0.0.9  | 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7 10.0.0.8 10.0.0.9 10.0.0.10 | NONE",
            })
    void firstFreeFromWrapsAround(String start, String taken, String expected) {
        Pool pool = new Pool(
                "p",
                NetworkType.RANGE,
                IpRange.parse("10.0.0.0-10.0.0.10"),
                Cidr.containing(Ip.parse("10.0.0.1"), 24),
                Ip.parse("10.0.0.1"),
                java.util.List.of(),
                false,
                java.util.List.of());
        Set<BigInteger> held = new java.util.HashSet<>();
        if (taken != null) {
            for (String address : taken.trim().split(" +")) {
                held.add(Ip.parse(address).value());
            }
        }
        String free = pool.firstFreeFrom(Ip.parse(start).value(), held::contains)
                .map(Ip::toString)
                .orElse("NONE");
        assertThat(free).isEqualTo(expected);
    }
}
