package io.pcg.cli.doctor;

import io.pcg.common.proxy.ProxySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code pcg doctor} checks against, so that tests can point each check at their own servers and files.
 *
 * @param configFile      the agent's configuration, named in fixes
 * @param consoleEndpoint {@code pcg.agent.console-endpoint} as written
 * @param consoleCaFiles  CA files trusted for the console besides the JDK's (the agent's console-ca-file and the CA
 *                        bundle pairing stored); unreadable ones are left out
 * @param proxy           the proxy settings the agent gets (HTTPS_PROXY, NO_PROXY)
 * @param ntpServers      time servers to ask; empty means those in {@code chronyConfig}
 * @param chronyConfig    chrony's configuration, for its {@code server}/{@code pool} lines
 * @param egressEndpoints endpoints that must be reachable on TLS
 * @param procDir         {@code /proc}, for cpuinfo and meminfo
 * @param diskPath        a path on the file system the gateway's data goes to
 * @param timeout         for each connection and each answer
 */
public record DoctorSettings(
        Path configFile,
        String consoleEndpoint,
        List<Path> consoleCaFiles,
        ProxySettings proxy,
        List<HostPort> ntpServers,
        Path chronyConfig,
        List<HostPort> egressEndpoints,
        Path procDir,
        Path diskPath,
        Duration timeout) {

    public DoctorSettings {
        consoleCaFiles = List.copyOf(consoleCaFiles);
        ntpServers = List.copyOf(ntpServers);
        egressEndpoints = List.copyOf(egressEndpoints);
    }
}
