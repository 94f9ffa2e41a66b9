package io.pcg.bench;

import io.pcg.agent.vsphere.CertificateProbe;
import io.pcg.agent.vsphere.VsphereClient;
import io.pcg.agent.vsphere.VsphereConfig;
import io.pcg.agent.vsphere.VsphereConnector;
import io.pcg.agent.vsphere.VsphereLogin;
import io.pcg.common.secrets.Secret;
import io.pcg.testkit.vsphere.Vcsim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * vCenter discovery speed on vcsim with 2 datacenters x (4 clusters + 1 standalone host) x 200 VMs = 2000 VMs:
 * full inventory (warm session), all VMs with ten properties, and govc's object.collect for the same ten
 * properties on the same simulator. Each figure is the median of several runs.
 */
public final class VsphereInventoryBench {

    private static final int RUNS = 7;
    private static final int EXPECTED_VMS = 2000;
    private static final String[] GOVC_PROPERTIES = {
        "name",
        "runtime.powerState",
        "runtime.host",
        "resourcePool",
        "guest.ipAddress",
        "config.hardware.numCPU",
        "config.hardware.memoryMB",
        "config.template",
        "parent",
        "datastore"
    };

    private VsphereInventoryBench() {}

    @FunctionalInterface
    private interface Run {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        try (Vcsim vcsim = Vcsim.start("-dc", "2", "-cluster", "4", "-host", "8", "-vm", "200")) {
            String pin = CertificateProbe.fetch("127.0.0.1", vcsim.port(), Duration.ofSeconds(10))
                    .thumbprints()
                    .sha256();
            VsphereLogin login = VsphereLogin.of(vcsim.server(), Vcsim.USERNAME, Secret.of(Vcsim.PASSWORD), pin);
            try (VsphereClient client = VsphereConnector.connect(login, VsphereConfig.defaults())) {
                int vms = client.virtualMachines().size();
                if (vms != EXPECTED_VMS) {
                    throw new IllegalStateException("vcsim built " + vms + " VMs, expected " + EXPECTED_VMS);
                }
                String govcOut = vcsim.govc(govcArgs());
                if (!govcOut.contains("runtime.powerState")) {
                    throw new IllegalStateException("govc object.collect printed no VM properties");
                }
                double inventory = median(() -> client.inventory());
                double ours = median(() -> client.virtualMachines());
                double govc = median(() -> vcsim.govc(govcArgs()));
                System.out.printf("inventory_ms: %.1f ms%n", inventory);
                System.out.printf("vm_list_2000_ms: %.1f ms%n", ours);
                System.out.printf("govc_vm_list_2000_ms: %.1f ms%n", govc);
                System.out.printf("vm_list_vs_govc_ratio: %.3f ratio%n", ours / govc);
            }
        }
    }

    private static String[] govcArgs() {
        List<String> args = new ArrayList<>(List.of("object.collect", "-json", "-type", "m", "/"));
        args.addAll(List.of(GOVC_PROPERTIES));
        return args.toArray(String[]::new);
    }

    /** Median wall time of RUNS runs after one warm-up run, in milliseconds. */
    private static double median(Run run) throws Exception {
        run.run();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            run.run();
            times.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }
}
