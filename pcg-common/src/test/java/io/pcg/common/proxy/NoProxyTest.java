package io.pcg.common.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.net.Cidr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoProxyTest {

    private static final String LIST =
            "vcenter.example.com, .example.org,corp.internal,10.10.0.0/16,192.168.1.5,fd00::/8";

    @ParameterizedTest
    @CsvSource({
        "vcenter.example.com, true",
        "VCENTER.example.com, true",
        "other.example.com, false",
        "example.org, true",
        "a.b.example.org, true",
        "badexample.org, false",
        "corp.internal, true",
        "api.corp.internal, true",
        "10.10.200.1, true",
        "10.11.0.1, false",
        "192.168.1.5, true",
        "192.168.1.6, false",
        "fd00::1, true",
        "console.spectrocloud.com, false",
    })
    void matches(String host, boolean bypass) {
        assertThat(NoProxy.parse(LIST).matches(host)).isEqualTo(bypass);
    }

    @Test
    void starBypassesEverything() {
        assertThat(NoProxy.parse("*").matches("anything.example")).isTrue();
        assertThat(NoProxy.none().matches("anything.example")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "vcenter.example.com,http://x.y     | is a URL",
                "proxy.corp:3128                    | has a port",
                "10.0.0.0/40                        | prefix must be from 0 to 32",
                "bad_host!                          | is not a host name",
            })
    void rejectsInvalidEntriesWithTheExpectedForm(String list, String reason) {
        assertThatThrownBy(() -> NoProxy.parse(list))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("comma-separated list");
    }

    @Test
    void effectiveListKeepsOperatorEntriesFirstAndAddsLocalNetworksOnce() {
        List<String> effective = NoProxy.effective(
                NoProxy.parse("vcenter.example.com,localhost,10.10.0.0/16"),
                Cidr.parse("192.168.0.0/16"),
                Cidr.parse("10.96.0.0/12"),
                List.of("10.10.0.0/16", "10.20.0.0/24"));
        assertThat(effective)
                .containsExactly(
                        "vcenter.example.com",
                        "localhost",
                        "10.10.0.0/16",
                        "127.0.0.1",
                        "192.168.0.0/16",
                        "10.96.0.0/12",
                        ".svc",
                        ".cluster.local",
                        "10.20.0.0/24");
    }

    @Test
    void settingsPreferUpperCaseAndHonourNoProxy() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of(
                "HTTPS_PROXY",
                "http://u:p@secure:3128",
                "https_proxy",
                "http://ignored:1",
                "http_proxy",
                "http://plain:3128",
                "no_proxy",
                ".local"));
        assertThat(settings.proxyFor("https", "console.example.com"))
                .get()
                .extracting(ProxyUrl::host)
                .isEqualTo("secure");
        assertThat(settings.proxyFor("http", "console.example.com"))
                .get()
                .extracting(ProxyUrl::host)
                .isEqualTo("plain");
        assertThat(settings.proxyFor("https", "vc.local")).isEmpty();
    }

    @Test
    void settingsErrorsNameTheVariableButNotThePassword() {
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "ftp://u:hunter2@proxy:21")))
                .hasMessageStartingWith("HTTPS_PROXY: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
}
