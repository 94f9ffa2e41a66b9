package io.pcg.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClockCheckTest {

    @TempDir
    Path chrony;

    @Test
    void theNtpServersAreChronysServerAndPoolLinesIncludingSourcesD() throws IOException {
        Path config = chrony.resolve("chrony.conf");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "# Debian default",
                        "pool 2.debian.pool.ntp.org iburst",
                        "server 10.0.0.1 iburst prefer",
                        "sourcedir /run/chrony-dhcp",
                        "makestep 1 3",
                        ""));
        Files.createDirectories(chrony.resolve("sources.d"));
        Files.writeString(chrony.resolve("sources.d/site.sources"), "server ntp.site.example\n");

        assertThat(ClockCheck.chronyServers(config))
                .containsExactly(
                        new HostPort("2.debian.pool.ntp.org", 123),
                        new HostPort("10.0.0.1", 123),
                        new HostPort("ntp.site.example", 123));
    }

    @Test
    void noChronyConfigurationMeansNoServers() {
        assertThat(ClockCheck.chronyServers(chrony.resolve("missing.conf"))).isEmpty();
    }
}
