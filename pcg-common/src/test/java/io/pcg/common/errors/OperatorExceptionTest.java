package io.pcg.common.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorExceptionTest {

    @ParameterizedTest
    @ValueSource(strings = {"INSTALLER_APPLY_FAILED", "OVF_ENVIRONMENT_INVALID", "NET_IPV6_UNSUPPORTED"})
    void carriesCodeMessageAndHint(String code) {
        OperatorException error = new OperatorException(code, "what went wrong", "what to do");

        assertThat(error.code()).isEqualTo(code);
        assertThat(error.getMessage()).isEqualTo("what went wrong");
        assertThat(error.hint()).isEqualTo("what to do");
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPLY", "vsphere.login-failed", "Installer_Failed", "_FAILED", "INSTALLER__FAILED", ""})
    void refusesACodeOutsideTheConvention(String code) {
        assertThatThrownBy(() -> new OperatorException(code, "message", "hint"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AREA_WHAT");
    }
}
