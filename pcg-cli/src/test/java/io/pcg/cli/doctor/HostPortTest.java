package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void hostsAddressesAndPortsAsOperatorsWriteThem() {
        assertThat(HostPort.parse("ntp.example.com", 123)).isEqualTo(new HostPort("ntp.example.com", 123));
        assertThat(HostPort.parse("10.0.0.5:1123", 123)).isEqualTo(new HostPort("10.0.0.5", 1123));
        assertThat(HostPort.parse("[2001:db8::1]:443", 123)).isEqualTo(new HostPort("2001:db8::1", 443));
        assertThat(HostPort.parse("2001:db8::1", 123)).isEqualTo(new HostPort("2001:db8::1", 123));
        assertThat(new HostPort("2001:db8::1", 443)).hasToString("[2001:db8::1]:443");
    }

    @Test
    void badPortsAndEmptyValuesSayHowAValidOneLooks() {
        assertThatThrownBy(() -> HostPort.parse("vc.example.com:0", 443))
                .hasMessageContaining("not 1 to 65535")
                .hasMessageContaining("e.g. ntp.example.com:123");
        assertThatThrownBy(() -> HostPort.parse("vc.example.com:https", 443)).hasMessageContaining("'https'");
        assertThatThrownBy(() -> HostPort.parse(" ", 443)).hasMessageContaining("empty address");
    }
}
