package io.pcg.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpArithmeticTest {

    @ParameterizedTest
    @CsvSource({
        "10.10.183.1, 10.10.183.1, V4",
        "0.0.0.0, 0.0.0.0, V4",
        "255.255.255.255, 255.255.255.255, V4",
        " 192.168.0.10 , 192.168.0.10, V4",
        "fd00::1, fd00::1, V6",
        "FD00:0:0:0:0:0:0:1, fd00::1, V6",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1, V6",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1, V6",
        "::, ::, V6",
        "::1, ::1, V6",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3, V6",
        "1:2:3:4:5:6:7:0, 1:2:3:4:5:6:7:0, V6",
    })
    void parsesAndPrintsCanonically(String text, String canonical, IpFamily family) {
        Ip address = Ip.parse(text);
        assertThat(address.toString()).isEqualTo(canonical);
        assertThat(address.family()).isEqualTo(family);
        assertThat(Ip.parse(canonical)).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "10.0.0",
                "10.0.0.256",
                "10.1",
                "010.0.0.1",
                "10.0.0.1.",
                "a.b.c.d",
                "example.com",
                "fe80::1%eth0",
                "1:2:3:4:5:6:7:8:9",
                "::ffff:10.0.0.1",
                "[fd00::1]",
                "10.0.0.1/24",
                "-1.0.0.0"
            })
    void rejectsMalformedAddressesWithAClearMessage(String text) {
        assertThatThrownBy(() -> Ip.parse(text))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining(text.isEmpty() ? "required" : "");
    }

    @Test
    void malformedMessageShowsTheTextAndAnExample() {
        assertThatThrownBy(() -> Ip.parse("10.0.0.256"))
                .hasMessage(
                        "'10.0.0.256' is not a valid IPv4 address (e.g. 10.10.183.1) or IPv6 address (e.g. fd00::1)");
    }

    @ParameterizedTest
    @CsvSource({
        "10.10.183.64/26, 10.10.183.64, 10.10.183.127, 64",
        "10.0.0.0/8, 10.0.0.0, 10.255.255.255, 16777216",
        "192.168.1.7/32, 192.168.1.7, 192.168.1.7, 1",
        "fd00::/120, fd00::, fd00::ff, 256",
        "2001:db8::/64, 2001:db8::, 2001:db8::ffff:ffff:ffff:ffff, 18446744073709551616",
    })
    void cidrBounds(String cidr, String first, String last, String size) {
        Cidr parsed = Cidr.parse(cidr);
        assertThat(parsed.network()).isEqualTo(Ip.parse(first));
        assertThat(parsed.last()).isEqualTo(Ip.parse(last));
        assertThat(parsed.range().size()).isEqualTo(new BigInteger(size));
        assertThat(parsed.toString()).isEqualTo(cidr);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.10.183.65/26 | has host bits set; the network is 10.10.183.64/26",
                "10.0.0.0/33     | prefix /33 is out of range for IPv4: the prefix must be from 0 to 32",
                "10.0.0.0        | needs a /prefix, e.g. 10.10.0.0/16",
                "10.0.0.0/x      | the prefix must be a number from 0 to 32",
                "fd00::/129      | prefix /129 is out of range for IPv6",
                "300.1.1.1/8     | '300.1.1.1' is not an IP address",
                "host.local/24   | is not an IP address",
                "''              | needs a /prefix",
            })
    void rejectsBadCidrs(String cidr, String message) {
        assertThatThrownBy(() -> Cidr.parse(cidr))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({
        "10.10.183.77, 26, 10.10.183.64/26",
        "10.128.1.1, 18, 10.128.0.0/18",
        "10.0.0.1, 0, 0.0.0.0/0",
        "fd00::1:2, 112, fd00::1:0/112",
    })
    void subnetContainingAnAddress(String address, int prefix, String subnet) {
        assertThat(Cidr.containing(Ip.parse(address), prefix).toString()).isEqualTo(subnet);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1-10.0.0.10, 10.0.0.10-10.0.0.20, true",
        "10.0.0.1-10.0.0.10, 10.0.0.11-10.0.0.20, false",
        "10.0.0.5-10.0.0.6, 10.0.0.1-10.0.0.20, true",
        "10.0.0.1-10.0.0.1, 10.0.0.1-10.0.0.1, true",
        "fd00::1-fd00::9, fd00::9-fd00::f, true",
        "fd00::1-fd00::9, 10.0.0.1-10.0.0.9, false",
    })
    void rangeOverlap(String a, String b, boolean overlaps) {
        assertThat(IpRange.parse(a).overlaps(IpRange.parse(b))).isEqualTo(overlaps);
        assertThat(IpRange.parse(b).overlaps(IpRange.parse(a))).isEqualTo(overlaps);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1-10.0.0.10, 10.0.0.1, true",
        "10.0.0.1-10.0.0.10, 10.0.0.10, true",
        "10.0.0.1-10.0.0.10, 10.0.0.11, false",
        "10.0.0.1-10.0.0.10, 10.0.0.0, false",
        "fd00::1-fd00::9, fd00::5, true",
    })
    void rangeContains(String range, String address, boolean contains) {
        assertThat(IpRange.parse(range).contains(Ip.parse(address))).isEqualTo(contains);
    }

    @Test
    void rangeRejectsReversedAndMixedEnds() {
        assertThatThrownBy(() -> IpRange.parse("10.0.0.9-10.0.0.1")).hasMessageContaining("comes after its end");
        assertThatThrownBy(() -> IpRange.parse("10.0.0.1-fd00::1")).hasMessageContaining("mixes IPv4 and IPv6");
    }
}
