package io.pcg.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
        "10.1.2.3/8, 10.0.0.0/8",
        "192.168.10.0/24, 192.168.10.0/24",
        "0.0.0.0/0, 0.0.0.0/0",
        "10.0.0.7/32, 10.0.0.7/32",
        "fd00::1/64, fd00::/64",
        "' 10.96.0.0/12 ', 10.96.0.0/12",
    })
    void normalisingParseNamesTheWholeNetwork(String text, String expected) {
        assertThat(Cidr.parseNormalising(text).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0        | needs a /prefix, e.g. 10.10.0.0/16",
                "10.0.0.0/33     | the prefix must be from 0 to 32",
                "10.0.0.0/abc    | the prefix must be a number from 0 to 32",
                "fd00::/200      | the prefix must be from 0 to 128",
                "300.1.1.1/8     | is not an IP address",
                "host.local/24   | is not an IP address",
                "''              | needs a /prefix",
            })
    void normalisingParseRejectsWithAReasonAndAnExample(String text, String reason) {
        assertThatThrownBy(() -> Cidr.parseNormalising(text))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.255.1.1, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "192.168.1.0/30, 192.168.1.3, true",
        "192.168.1.0/30, 192.168.1.4, false",
        "fd00::/16, fd00:1::5, true",
        "fd00::/16, 10.0.0.1, false",
        "0.0.0.0/0, 10.0.0.1, true",
        "0.0.0.0/0, fd00::1, false",
    })
    void contains(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(Ip.parse(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "192.168.0.0/16, 192.168.5.0/24, true",
        "10.96.0.0/12, 192.168.0.0/16, false",
        "10.0.0.0/8, 10.96.0.0/12, true",
        "172.16.0.0/16, 172.17.0.0/16, false",
        "fd00::/8, 10.0.0.0/8, false",
        "::/0, 0.0.0.0/0, false",
    })
    void overlapsIsSymmetric(String a, String b, boolean expected) {
        assertThat(Cidr.parse(a).overlaps(Cidr.parse(b))).isEqualTo(expected);
        assertThat(Cidr.parse(b).overlaps(Cidr.parse(a))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, true",
        "[fd00::1], true",
        "fd00::1, true",
        "example.com, false",
        "1.2.3, false",
        "256.0.0.1, false",
        "'', false",
        "[10.0.0.1], false",
        "localhost, false"
    })
    void tryParseAcceptsOnlyLiterals(String text, boolean literal) {
        assertThat(Ip.tryParse(text)).as(text).matches(parsed -> parsed.isPresent() == literal);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.7, 10.0.0.7/32", "fd00::1, fd00::1/128"})
    void singleAddressNetwork(String address, String expected) {
        assertThat(Cidr.of(Ip.parse(address)).toString()).isEqualTo(expected);
    }
}
