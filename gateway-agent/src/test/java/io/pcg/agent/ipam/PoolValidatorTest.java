package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolValidatorTest {

    static PoolSpec range(String name, String start, String end, Integer prefix, String gateway) {
        return new PoolSpec(name, "range", start, end, null, prefix, gateway, List.of("8.8.8.8"), false, List.of());
    }

    static PoolSpec subnet(String name, String subnet, Integer prefix, String gateway) {
        return new PoolSpec(name, "subnet", null, null, subnet, prefix, gateway, List.of(), false, List.of());
    }

    @Test
    void seedExampleRangePool() throws Exception {
        Pool pool =
                PoolValidator.validate(range("lab", "10.10.183.1", "10.10.183.100", 24, "10.10.183.254"), List.of());
        assertThat(pool.capacity()).isEqualTo(BigInteger.valueOf(100));
        assertThat(pool.network().toString()).isEqualTo("10.10.183.0/24");
        assertThat(pool.addressesText()).isEqualTo("10.10.183.1-10.10.183.100");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // subnet, prefix, gateway, capacity, comment
                "10.10.183.64/26 |    | 10.10.183.65 | 61", // network, broadcast and gateway removed
                "10.10.183.64/26 | 18 | 10.10.128.1  | 64", // block in a wider network: all 64 usable
                "10.10.128.0/26  | 18 | 10.10.128.1  | 62", // block starts at the network address
                "fd00::/120      | 64 | fd00::1      | 254", // IPv6: anycast and gateway removed, no broadcast
            })
    void subnetPoolCapacity(String cidr, Integer prefix, String gateway, long capacity) throws Exception {
        Pool pool = PoolValidator.validate(subnet("s", cidr, prefix, gateway), List.of());
        assertThat(pool.capacity()).isEqualTo(BigInteger.valueOf(capacity));
        assertThat(pool.addressesText()).isEqualTo(cidr);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "My_Pool | range  | 10.0.0.1   | 10.0.0.9 |              |    | 10.0.0.254 | name 'My_Pool' is not usable",
                "p       | range  | 10.0.0.9   | 10.0.0.1 |              | 24 | 10.0.0.254 | start 10.0.0.9 comes after end 10.0.0.1",
                "p       | range  | 10.0.0.300 | 10.0.0.1 |              | 24 | 10.0.0.254 | start: '10.0.0.300' is not a valid IPv4 address",
                "p       | range  | 10.0.0.1   | 10.0.0.9 |              |    | 10.0.0.254 | prefix is required for a range pool",
                "p       | range  | 10.0.1.1   | 10.0.1.9 |              | 24 | 10.0.0.1   | addresses 10.0.1.1-10.0.1.9 are outside the subnet 10.0.0.0/24 given by gateway 10.0.0.1 and prefix /24",
                "p       | range  | 10.0.0.1   | 10.0.0.9 |              | 24 |            | gateway is required",
                "p       | range  | 10.0.0.1   | 10.0.0.9 |              | 24 | 10.0.0.0   | gateway 10.0.0.0 is the network or broadcast address of 10.0.0.0/24",
                "p       | range  | 10.0.0.1   | 10.0.0.9 |              | 40 | 10.0.0.254 | prefix /40 is out of range for IPv4",
                "p       | range  | 10.0.0.1   | fd00::1  |              | 24 | 10.0.0.254 | must both be IPv4 or both be IPv6",
                "p       | subnet |            |          | 10.0.0.5/24  |    | 10.0.0.1   | has host bits set; the network is 10.0.0.0/24",
                "p       | subnet |            |          |              |    | 10.0.0.1   | subnet is required for a subnet pool",
                "p       | subnet |            |          | 10.0.0.0/24  | 26 | 10.0.0.1   | prefix /26 is narrower than the pool subnet",
                "p       | vlan   |            |          | 10.0.0.0/24  |    | 10.0.0.1   | network type 'vlan' is unknown",
                "p       | range  | 10.0.0.1   | 10.0.0.1 |              | 24 | 10.0.0.1   | no address is left to hand out",
                "p       | range  | 10.0.0.1   | 10.0.0.9 | 10.0.0.0/24  | 24 | 10.0.0.254 | subnet is only used by subnet pools",
                "p       | range  | fd00::1    | fd00::9  |              | 64 | 10.0.0.1   | gateway 10.0.0.1 is IPv4 but the pool is IPv6",
            })
    void rejectsMistakesWithClearErrors(
            String name,
            String type,
            String start,
            String end,
            String cidr,
            Integer prefix,
            String gateway,
            String expected) {
        PoolSpec spec = new PoolSpec(name, type, start, end, cidr, prefix, gateway, List.of(), false, List.of());
        assertThatThrownBy(() -> PoolValidator.validate(spec, List.of()))
                .isInstanceOf(PoolValidationException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        PoolSpec spec = new PoolSpec(
                "p", "range", "10.0.0.x", "10.0.0.300", null, 24, "gw", List.of("8.8.8"), false, List.of());
        assertThatThrownBy(() -> PoolValidator.validate(spec, List.of()))
                .isInstanceOfSatisfying(
                        PoolValidationException.class,
                        e -> assertThat(e.problems()).hasSize(4));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.50  | 10.0.0.60  | true",
                "10.0.0.1   | 10.0.0.10  | true",
                "10.0.0.100 | 10.0.0.120 | true",
                "10.0.0.101 | 10.0.0.120 | false",
                "10.0.0.1   | 10.0.0.9   | false",
            })
    void overlappingPoolIsRejected(String start, String end, boolean rejected) throws Exception {
        Pool existing =
                PoolValidator.validate(range("existing", "10.0.0.10", "10.0.0.100", 24, "10.0.0.254"), List.of());
        PoolSpec candidate = range("new", start, end, 24, "10.0.0.254");
        if (rejected) {
            assertThatThrownBy(() -> PoolValidator.validate(candidate, List.of(existing)))
                    .hasMessageContaining("overlap pool 'existing' (10.0.0.10-10.0.0.100)");
        } else {
            assertThat(PoolValidator.validate(candidate, List.of(existing)).name())
                    .isEqualTo("new");
        }
    }

    @Test
    void updateOfTheSamePoolIsNotAnOverlap() throws Exception {
        Pool existing = PoolValidator.validate(range("a", "10.0.0.10", "10.0.0.100", 24, "10.0.0.254"), List.of());
        assertThat(PoolValidator.validate(range("a", "10.0.0.10", "10.0.0.120", 24, "10.0.0.254"), List.of(existing))
                        .capacity())
                .isEqualTo(BigInteger.valueOf(111));
    }

    @Test
    void excludedAddressesAndGatewayAreNeverAllocatable() throws Exception {
        PoolSpec spec = new PoolSpec(
                "p",
                null,
                "10.0.0.0",
                "10.0.0.255",
                null,
                24,
                "10.0.0.1",
                List.of(),
                false,
                Arrays.asList("10.0.0.7", "10.0.0.8"));
        Pool pool = PoolValidator.validate(spec, List.of());
        assertThat(pool.networkType()).isEqualTo(NetworkType.RANGE);
        assertThat(pool.reservedAddresses())
                .extracting(Ip::toString)
                .containsExactly("10.0.0.0", "10.0.0.1", "10.0.0.7", "10.0.0.8", "10.0.0.255");
        assertThat(pool.capacity()).isEqualTo(BigInteger.valueOf(251));
        assertThat(pool.isAllocatable(Ip.parse("10.0.0.7"))).isFalse();
        assertThat(pool.isAllocatable(Ip.parse("10.0.0.9"))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.50 | 10.0.0.100-10.0.0.200 | ",
                "10.0.0.150 | 10.0.0.100-10.0.0.200 | is inside the DHCP range 10.0.0.100-10.0.0.200",
                "10.0.0.150 | 10.0.0.128/25 | is inside the DHCP range 10.0.0.128-10.0.0.255",
                "  | 10.0.0.100-10.0.0.200 | the control-plane VIP must be given explicitly",
                "10.0.0.x | 10.0.0.100-10.0.0.200 | control-plane VIP: '10.0.0.x' is not a valid",
                "10.0.0.50 |  | the DHCP range is required",
            })
    void dhcpVip(String vip, String dhcpRange, String error) {
        if (error == null) {
            assertThat(DhcpVip.validate(vip, dhcpRange)).isEqualTo(Ip.parse(vip));
        } else {
            assertThatThrownBy(() -> DhcpVip.validate(vip, dhcpRange))
                    .isInstanceOf(InvalidAddressException.class)
                    .hasMessageContaining(error);
        }
    }
}
