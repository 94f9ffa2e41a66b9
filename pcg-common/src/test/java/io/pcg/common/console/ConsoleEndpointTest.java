package io.pcg.common.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsoleEndpointTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://console.spectrocloud.com      | console.spectrocloud.com | 443  | console.spectrocloud.com:443",
                "HTTPS://console.example.com:8443      | console.example.com      | 8443 | console.example.com:8443",
                "'  https://127.0.0.1:9443 '           | 127.0.0.1                | 9443 | 127.0.0.1:9443",
                "https://[fd00::1]:9443                | fd00::1                  | 9443 | [fd00::1]:9443",
            })
    void parses(String text, String host, int port, String authority) {
        ConsoleEndpoint endpoint = ConsoleEndpoint.parse(text);
        assertThat(endpoint.host()).isEqualTo(host);
        assertThat(endpoint.port()).isEqualTo(port);
        assertThat(endpoint.authority()).isEqualTo(authority);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://console.example.com/          | trailing slash: remove it, i.e. use https://console.example.com ",
                "https://console.example.com/v1        | has a path",
                "https://console.example.com?x=1       | has a path, query or fragment",
                "http://console.example.com            | must start with https://",
                "console.example.com                   | must start with https://",
                "''                                    | is empty",
                "https://                              | not a valid URL",
                "https://u:pw@console.example.com      | must not carry a user name or password",
            })
    void rejectsWithAHint(String text, String reason) {
        assertThatThrownBy(() -> ConsoleEndpoint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason.strip())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
    }
}
