package io.pcg.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.installer.ovf.OvfProperty;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.console.DevConsoleExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * First boot of the built image under qemu, as vSphere would run it: the OVA's own disk, UEFI firmware, a CD
 * labelled "OVF ENV" holding ovf-env.xml (the ISO transport the installer reads), user-mode networking, and a real
 * dev-console on the host, which the VM reaches as 10.0.2.2. A second CD (NoCloud, label cidata) carries only what
 * the real console does not need: trust in the dev-console's own CA. Runs only where ova-build/build.sh has built the
 * OVA (it takes minutes with TCG); prints boot_to_paired_s.
 */
class OvaBootIT {

    /** What qemu user-mode networking shows the guest for the host. */
    private static final String HOST_FROM_GUEST = "10.0.2.2";
    /** A bound for a TCG boot on a loaded 2-core machine (the goal is 300 s with TCG), not the performance figure. */
    private static final Duration BOOT_WITHIN = Duration.ofMinutes(12);
    /** cloud-init's final_message (cloud-init/pcg-installer.cfg): the first boot, the installer included, is over. */
    private static final String FIRST_BOOT_FINISHED = "PCG installer first boot finished";

    @RegisterExtension
    final DevConsoleExtension console =
            DevConsoleExtension.perTest(Map.of("pcg.console.tls-hostnames", "localhost,127.0.0.1," + HOST_FROM_GUEST));

    private static OvaImage image;
    private static String accelerator;

    @TempDir
    Path dir;

    private Process vm;

    @BeforeAll
    static void builtImage() throws Exception {
        image = OvaImage.requireBuilt();
        ExternalTool.Result probe = ExternalTool.run(
                Path.of("."),
                Map.of(),
                RepoFiles.path("ova-build/lib/kvm-probe.sh").toString());
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        accelerator = probe.output()
                .lines()
                .reduce((first, last) -> last)
                .orElseThrow()
                .strip();
    }

    @AfterEach
    void powerOff() throws InterruptedException {
        if (vm != null) {
            vm.destroy();
            if (!vm.waitFor(30, TimeUnit.SECONDS)) {
                vm.destroyForcibly();
            }
        }
    }

    @Test
    void firstBootPairsByPinAndTheConsoleShowsTheGatewayOnline() throws Exception {
        DevConsole devConsole = console.console();
        GatewayService.IssuedPin issued = devConsole.createGateway("pcg-ova-boot");
        String endpoint = "https://" + HOST_FROM_GUEST + ":" + devConsole.grpcPort();

        long started = System.nanoTime();
        Path serial = boot(endpoint, issued.pin());
        GatewayRecord online = await("the gateway Online in the dev-console; serial console: " + serial)
                .atMost(BOOT_WITHIN)
                .pollInterval(Duration.ofSeconds(1))
                .failFast("the VM stopped", () -> !vm.isAlive())
                .until(
                        () -> devConsole.gateway(issued.gateway().id()),
                        gateway -> gateway.state() == GatewayState.ONLINE);
        long bootToPairedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println("boot_to_paired_s: " + bootToPairedSeconds + " s (" + accelerator + ")");

        assertThat(online.pinUsed()).isTrue();
        assertThat(online.hostname()).isNotBlank();
        assertThat(Files.readString(serial, StandardCharsets.ISO_8859_1))
                .as("serial console")
                .contains("Private Cloud Gateway installer")
                .doesNotContain("NOT STARTED")
                .doesNotContain(issued.pin());
    }

    @Test
    void trailingSlashOnTheEndpointShowsTheProblemOnTheConsoleBannerAndTheAgentNeverPairs() throws Exception {
        DevConsole devConsole = console.console();
        GatewayService.IssuedPin issued = devConsole.createGateway("pcg-ova-slash");
        String endpoint = "https://" + HOST_FROM_GUEST + ":" + devConsole.grpcPort() + "/";

        Path serial = boot(endpoint, issued.pin());
        await("the problem on the serial console's banner, then the end of the first boot: " + serial)
                .atMost(BOOT_WITHIN)
                .pollInterval(Duration.ofSeconds(1))
                .failFast("the VM stopped", () -> !vm.isAlive())
                .until(
                        () -> Files.readString(serial, StandardCharsets.ISO_8859_1),
                        text -> text.contains("Private Cloud Gateway installer: NOT STARTED")
                                && text.contains("has a trailing slash")
                                && text.contains(FIRST_BOOT_FINISHED));

        // Only the installer starts the agent: once the first boot is over without it, nothing pairs.
        GatewayRecord gateway = devConsole.gateway(issued.gateway().id());
        assertThat(gateway.pinUsed()).isFalse();
        assertThat(gateway.state()).isNotIn(GatewayState.PAIRED, GatewayState.ONLINE);
        assertThat(Files.readString(serial, StandardCharsets.ISO_8859_1)).doesNotContain(issued.pin());
    }

    /** Boots a copy-on-write overlay of the OVA's disk with the two CDs; returns the serial console's log. */
    private Path boot(String endpoint, String pin) throws IOException {
        Path disk = image.extract(dir, image.diskName());
        Path overlay = dir.resolve("overlay.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "vmdk", "-b", disk.toString(), overlay.toString());

        Path ovfEnvDir = Files.createDirectories(dir.resolve("ovf-env"));
        OvfEnvFiles.proxiedWith(
                Map.of(
                        OvfProperty.INSTALLER_NAME.key(),
                        "pcg-ova-" + (endpoint.endsWith("/") ? "slash" : "boot"),
                        OvfProperty.CONSOLE_ENDPOINT.key(),
                        endpoint,
                        OvfProperty.PAIRING_CODE.key(),
                        pin,
                        OvfProperty.HTTP_PROXY.key(),
                        "",
                        OvfProperty.HTTPS_PROXY.key(),
                        "",
                        OvfProperty.NO_PROXY.key(),
                        ""),
                ovfEnvDir.resolve("ovf-env.xml"));
        Path ovfEnvIso = dir.resolve("ovf-env.iso");
        run("genisoimage", "-quiet", "-V", "OVF ENV", "-r", "-J", "-o", ovfEnvIso.toString(), ovfEnvDir.toString());

        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        writeTrustSeed(seedDir);
        Path seedIso = dir.resolve("seed.iso");
        run("genisoimage", "-quiet", "-V", "cidata", "-r", "-J", "-o", seedIso.toString(), seedDir.toString());

        Path serial = dir.resolve("serial.log");
        List<String> command = new ArrayList<>(List.of(
                ExternalTool.require("qemu-system-x86_64"),
                "-machine",
                "q35,accel=" + accelerator,
                "-cpu",
                accelerator.equals("kvm") ? "host" : "max",
                "-smp",
                "2",
                "-m",
                "2048",
                "-bios",
                "/usr/share/ovmf/OVMF.fd",
                "-display",
                "none",
                "-monitor",
                "none",
                "-serial",
                "file:" + serial,
                "-no-reboot",
                "-drive",
                "file=" + overlay + ",format=qcow2,if=virtio",
                "-drive",
                "file=" + ovfEnvIso + ",format=raw,media=cdrom,readonly=on,if=none,id=ovfenv",
                "-device",
                "ide-cd,drive=ovfenv,bus=ide.0",
                "-drive",
                "file=" + seedIso + ",format=raw,media=cdrom,readonly=on,if=none,id=seed",
                "-device",
                "ide-cd,drive=seed,bus=ide.1",
                "-netdev",
                "user,id=net0",
                "-device",
                "virtio-net-pci,netdev=net0"));
        vm = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        return serial;
    }

    /**
     * NoCloud user-data: the dev-console's CA and a pcg-agent drop-in that points the agent at it
     * (PCG_AGENT_CONSOLE_CA_FILE, as FirstBootPairingIT does). The real console's certificate is publicly trusted.
     */
    private void writeTrustSeed(Path seedDir) throws IOException {
        Map<String, Object> caFile = new LinkedHashMap<>();
        caFile.put("path", "/etc/pcg/console-ca.pem");
        caFile.put("permissions", "0644");
        caFile.put("content", Files.readString(console.console().caFile()));
        Map<String, Object> dropIn = new LinkedHashMap<>();
        dropIn.put("path", "/etc/systemd/system/pcg-agent.service.d/console-ca.conf");
        dropIn.put("content", "[Service]\nEnvironment=PCG_AGENT_CONSOLE_CA_FILE=/etc/pcg/console-ca.pem\n");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(
                seedDir.resolve("user-data"),
                "#cloud-config\n" + new Yaml(options).dump(Map.of("write_files", List.of(caFile, dropIn))));
        Files.writeString(
                seedDir.resolve("meta-data"),
                new Yaml(options).dump(Map.of("instance-id", "ova-boot-it", "local-hostname", "pcg-installer")));
    }

    private void run(String... command) throws IOException {
        ExternalTool.Result result = ExternalTool.run(dir, Map.of(), command);
        assertThat(result.exitCode())
                .as(String.join(" ", command) + ":\n" + result.output())
                .isZero();
    }
}
