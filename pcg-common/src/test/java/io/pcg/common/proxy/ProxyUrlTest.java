package io.pcg.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyUrlTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://proxy.corp:3128              | proxy.corp | 3128 | ''    | ''",
                "http://proxy.corp                   | proxy.corp | 80   | ''    | ''",
                "HTTP://10.0.0.5:8080/               | 10.0.0.5   | 8080 | ''    | ''",
                "http://alice:s3cret@proxy.corp:3128 | proxy.corp | 3128 | alice | s3cret",
                "http://alice:p%40ss%3Aw@proxy:3128  | proxy      | 3128 | alice | p@ss:w",
                "http://alice@proxy:3128             | proxy      | 3128 | alice | ''",
                "http://[fd00::5]:3128               | fd00::5    | 3128 | ''    | ''",
                "'  http://proxy:3128  '             | proxy      | 3128 | ''    | ''",
            })
    void parses(String text, String host, int port, String user, String password) {
        ProxyUrl proxy = ProxyUrl.parse(text);
        assertThat(proxy.host()).isEqualTo(host);
        assertThat(proxy.port()).isEqualTo(port);
        assertThat(proxy.username()).isEqualTo(user);
        assertThat(proxy.password().reveal()).isEqualTo(password);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                                  | is empty",
                "proxy.corp:3128                     | has no scheme",
                "https://proxy.corp:3128             | only http:// proxies",
                "socks5://proxy.corp:1080            | only http:// proxies",
                "http://proxy.corp:3128/path         | has a path",
                "http://proxy.corp:99999             | must be from 1 to 65535",
                "http://:pw@proxy.corp:3128          | no user name",
                "http://us er:topsecret@proxy:3128   | percent-encoded",
            })
    void rejectsWithAHintAndNeverShowsThePassword(String text, String reason) {
        assertThatThrownBy(() -> ProxyUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("e.g. http://proxy.example.com:3128")
                .satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("topsecret").doesNotContain(":pw@"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://alice:s3cret@proxy:3128      | http://alice:<redacted>@proxy:3128",
                "http://alice@proxy:3128             | http://alice@proxy:3128",
                "http://proxy:3128/a@b               | http://proxy:3128/a@b",
                "http://proxy:3128                   | http://proxy:3128",
            })
    void redactsCredentials(String url, String shown) {
        assertThat(ProxyUrl.redact(url)).isEqualTo(shown);
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(ProxyUrl.parse("http://alice:s3cret@proxy:3128").toString())
                .isEqualTo("http://alice:<redacted>@proxy:3128");
    }
}
