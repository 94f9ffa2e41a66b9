package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pcg.common.proxy.ProxySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceChecksTest {

    @TempDir
    Path proc;

    @Test
    void aVmBelowTheOneNodeMinimumFailsOnCpusAndMemoryWithHowToResize() throws IOException {
        writeProc(1, 2 * 1024 * 1024);

        List<CheckResult> results = new ResourceChecks(settings()).run();

        assertThat(results).extracting(CheckResult::check).containsExactly("vCPUs", "memory", "disk");
        assertThat(results.get(0)).satisfies(cpus -> {
            assertThat(cpus.outcome()).isEqualTo(Outcome.FAIL);
            assertThat(cpus.detail()).isEqualTo("1 vCPU(s), minimum 2");
            assertThat(cpus.fix()).contains("raise its CPU count in vSphere to at least 2");
        });
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.FAIL);
        assertThat(results.get(1).detail()).isEqualTo("2048 MiB, minimum 4096 MiB (4 GB)");
    }

    @Test
    void theMemoryTheKernelKeepsForItselfDoesNotFailAFourGigabyteVm() throws IOException {
        // What a 4096 MiB VM typically reports as MemTotal.
        writeProc(2, 3_995_000);

        List<CheckResult> results = new ResourceChecks(settings()).run();

        assertThat(results.get(0).outcome()).isEqualTo(Outcome.PASS);
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void unreadableProcFilesAreAWarningNotACrash() {
        List<CheckResult> results = new ResourceChecks(settings()).run();

        assertThat(results.subList(0, 2)).extracting(CheckResult::outcome).containsOnly(Outcome.WARN);
    }

    private void writeProc(int cpus, long memTotalKb) throws IOException {
        StringBuilder cpuinfo = new StringBuilder();
        for (int i = 0; i < cpus; i++) {
            cpuinfo.append("processor\t: ").append(i).append("\nmodel name\t: Virtual CPU\n\n");
        }
        Files.writeString(proc.resolve("cpuinfo"), cpuinfo);
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       " + memTotalKb + " kB\nMemFree:         100 kB\n");
    }

    private DoctorSettings settings() {
        return new DoctorSettings(
                Path.of("/etc/pcg/agent.yml"),
                "https://console.example.com",
                List.of(),
                ProxySettings.DIRECT,
                List.of(),
                proc.resolve("chrony.conf"),
                List.of(),
                proc,
                proc,
                Duration.ofSeconds(1));
    }
}
