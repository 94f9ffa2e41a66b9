package io.pcg.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pcg.common.errors.OperatorException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderVersionsTest {

    private static final List<String> IMAGE_FILE = List.of(
            "PCG_APPLIANCE_VERSION=0.1.0",
            "KUBERNETES_VERSION=v1.34.4",
            "# comment",
            "",
            "CAPI_VERSION=v1.13.5",
            "CAPV_VERSION=v1.16.1",
            "IPAM_IN_CLUSTER_VERSION=v1.0.3");

    @Test
    void readsWhatTheImageWrites() throws OperatorException {
        assertThat(ProviderVersions.parse("versions.env", IMAGE_FILE))
                .isEqualTo(new ProviderVersions("v1.34.4", "v1.13.5", "v1.16.1", "v1.0.3"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "CAPI_VERSION=v1.13.5      | CAPI_VERSION=         | CAPI_VERSION is '', not a version like v1.2.3",
                "CAPV_VERSION=v1.16.1      | CAPV_VERSION=latest   | CAPV_VERSION is 'latest', not a version like v1.2.3",
                "KUBERNETES_VERSION=v1.34.4 | #                    | KUBERNETES_VERSION is missing"
            })
    void aBadOrMissingVersionIsNamed(String line, String replacement, String message) {
        List<String> broken =
                IMAGE_FILE.stream().map(l -> l.equals(line) ? replacement : l).toList();
        assertThatThrownBy(() -> ProviderVersions.parse("versions.env", broken))
                .isInstanceOfSatisfying(OperatorException.class, e -> {
                    assertThat(e.code()).isEqualTo("BOOTSTRAP_VERSIONS_INVALID");
                    assertThat(e.getMessage()).isEqualTo("versions.env: " + message);
                    assertThat(e.hint()).isNotBlank();
                });
    }
}
