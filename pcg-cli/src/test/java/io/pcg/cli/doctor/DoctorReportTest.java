package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorReportTest {

    @Test
    void eachCheckIsOneAlignedLineWithItsFixBelowAndASummary() {
        List<CheckResult> results = List.of(
                CheckResult.pass("console DNS", "console.example.com resolves to 192.0.2.10"),
                CheckResult.fail("proxy authentication", "wrong proxy credentials", "set the right password"),
                CheckResult.warn("clock", "1200 ms behind NTP time", "check chronyc tracking"),
                CheckResult.skip("proxy CONNECT", "needs the proxy to accept the credentials"));

        assertThat(DoctorReport.render(results).lines())
                .containsExactly(
                        "PASS  console DNS           console.example.com resolves to 192.0.2.10",
                        "FAIL  proxy authentication  wrong proxy credentials",
                        "      fix: set the right password",
                        "WARN  clock                 1200 ms behind NTP time",
                        "      fix: check chronyc tracking",
                        "SKIP  proxy CONNECT         needs the proxy to accept the credentials",
                        "",
                        "1 PASS, 1 WARN, 1 FAIL, 1 SKIP");
    }

    @Test
    void onlyAFailMakesTheExitCodeNonZero() {
        assertThat(DoctorReport.exitCode(
                        List.of(CheckResult.pass("a", ""), CheckResult.warn("b", "", "x"), CheckResult.skip("c", ""))))
                .isZero();
        assertThat(DoctorReport.exitCode(List.of(CheckResult.pass("a", ""), CheckResult.fail("b", "", "x"))))
                .isEqualTo(DoctorReport.FAILED);
    }
}
