package io.pcg.simulators;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.simulators.vsphere.VirtualMachines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Simulator: CAPV's VSphereCluster controller (controllers/vspherecluster_reconciler.go): waits for its Cluster's
 * owner reference, takes ownership of an identity Secret ({@code identityRef.kind: Secret}: owner reference and
 * finalizer {@value #SECRET_FINALIZER}), opens a vCenter session with those credentials (condition
 * {@code VCenterAvailable}) and then reports {@code status.initialization.provisioned}.
 */
final class VSphereClusterReconciler implements Runtime.Reconciler {

    static final String FINALIZER = "vspherecluster.infrastructure.cluster.x-k8s.io";
    static final String SECRET_FINALIZER = "vspherecluster/infrastructure.cluster.x-k8s.io";

    /**
     * How long a successful log-in stands for the credentials, as CAPV's session cache keeps a session and does not
     * log in on every reconcile (here each check is a govc process).
     */
    private static final Duration SESSION_REUSE = Duration.ofSeconds(30);

    private final Sim sim;
    /** When each set of credentials last logged in ({@link System#nanoTime}: wall time, whatever clock a test injects). */
    private final Map<VcenterAccess, Long> sessions = new ConcurrentHashMap<>();

    VSphereClusterReconciler(Sim sim) {
        this.sim = sim;
    }

    @Override
    public Duration reconcile(Runtime.Key key) throws IOException {
        GenericKubernetesResource vsphereCluster = sim.get(Kind.VSPHERE_CLUSTER, key.namespace(), key.name());
        if (vsphereCluster == null) {
            return null;
        }
        Instant now = sim.now();
        Map<String, Object> status = Obj.statusCopy(vsphereCluster);
        OwnerReference owner = Obj.owner(vsphereCluster, Kind.CLUSTER);
        GenericKubernetesResource cluster = owner == null ? null : sim.cluster(key.namespace(), owner.getName());
        if (Sim.paused(cluster, vsphereCluster)) {
            Sim.pausedCondition(status, true, now);
            sim.writeStatus(vsphereCluster, status);
            return null;
        }
        if (Obj.deleting(vsphereCluster)) {
            if (!Sim.deletedForMove(vsphereCluster)) {
                releaseIdentitySecret(vsphereCluster);
            }
            if (Obj.removeFinalizer(vsphereCluster, FINALIZER)) {
                sim.update(vsphereCluster);
            }
            return null;
        }
        if (cluster == null) {
            return null; // "Waiting for Cluster Controller to set OwnerRef on VSphereCluster"
        }
        if (Obj.addFinalizer(vsphereCluster, FINALIZER)) {
            sim.update(vsphereCluster);
            return null;
        }
        VcenterAccess access = sim.vcenter;
        String identityKind = Obj.text(vsphereCluster, "spec", "identityRef", "kind");
        if ("Secret".equals(identityKind)) {
            Secret secret = sim.client
                    .secrets()
                    .inNamespace(key.namespace())
                    .withName(Obj.text(vsphereCluster, "spec", "identityRef", "name"))
                    .get();
            if (secret == null) {
                Conditions.set(
                        status,
                        "VCenterAvailable",
                        Conditions.FALSE,
                        "VCenterUnreachable",
                        "identity Secret " + Obj.text(vsphereCluster, "spec", "identityRef", "name") + " not found",
                        now);
                summarize(status, now);
                sim.writeStatus(vsphereCluster, status);
                return Duration.ofSeconds(2);
            }
            adoptIdentitySecret(vsphereCluster, secret);
            access = access.withCredentials(value(secret, "username"), value(secret, "password"));
        }
        try {
            Long loggedIn = sessions.get(access);
            if (loggedIn == null || System.nanoTime() - loggedIn > SESSION_REUSE.toNanos()) {
                new VirtualMachines(access).checkSession();
                sessions.put(access, System.nanoTime());
            }
            Conditions.set(status, "VCenterAvailable", Conditions.TRUE, "Available", "", now);
        } catch (IOException e) {
            sessions.remove(access);
            Conditions.set(status, "VCenterAvailable", Conditions.FALSE, "VCenterUnreachable", e.getMessage(), now);
            summarize(status, now);
            Sim.pausedCondition(status, false, now);
            sim.writeStatus(vsphereCluster, status);
            return Duration.ofSeconds(2);
        }
        Duration wait = sim.remaining(vsphereCluster.getMetadata().getUid(), "provision", sim.delays.infrastructure());
        if (!wait.isZero()) {
            return wait;
        }
        Obj.child(status, "initialization").put("provisioned", true);
        Sim.pausedCondition(status, false, now);
        summarize(status, now);
        sim.writeStatus(vsphereCluster, status);
        return null;
    }

    private static void summarize(Map<String, Object> status, Instant now) {
        Conditions.summarize(
                status, "Ready", List.of("VCenterAvailable"), List.of(), "Ready", "NotReady", "ReadyUnknown", now);
    }

    private void adoptIdentitySecret(GenericKubernetesResource vsphereCluster, Secret secret) {
        boolean changed = Obj.ensureOwnerRef(secret, Obj.ownerRef(vsphereCluster, false));
        changed |= Obj.addFinalizer(secret, SECRET_FINALIZER);
        if (changed) {
            sim.client
                    .secrets()
                    .inNamespace(secret.getMetadata().getNamespace())
                    .resource(secret)
                    .update();
        }
    }

    private void releaseIdentitySecret(GenericKubernetesResource vsphereCluster) {
        if (!"Secret".equals(Obj.text(vsphereCluster, "spec", "identityRef", "kind"))) {
            return;
        }
        Secret secret = sim.client
                .secrets()
                .inNamespace(Obj.namespace(vsphereCluster))
                .withName(Obj.text(vsphereCluster, "spec", "identityRef", "name"))
                .get();
        if (secret == null) {
            return;
        }
        if (Obj.removeFinalizer(secret, SECRET_FINALIZER)) {
            secret = sim.client
                    .secrets()
                    .inNamespace(secret.getMetadata().getNamespace())
                    .resource(secret)
                    .update();
        }
        if (secret.getMetadata().getDeletionTimestamp() == null) {
            sim.client
                    .secrets()
                    .inNamespace(secret.getMetadata().getNamespace())
                    .withName(secret.getMetadata().getName())
                    .delete();
        }
    }

    private static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return secret.getStringData().get(key);
        }
        return "";
    }
}
