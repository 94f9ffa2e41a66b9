package io.pcg.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pcg.agent.kube.KubeConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Three replicas campaigning for one Lease on a real API server. */
@ExtendWith(KubeApiServerExtension.class)
class LeadershipIT {

    private static final LeaderElectionSettings FAST = new LeaderElectionSettings(
            true, "pcg-agent", Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(250));

    private final List<Replica> replicas = new ArrayList<>();

    @AfterEach
    void stop() {
        replicas.forEach(Replica::close);
    }

    @Test
    void oneReplicaActsAndAnotherTakesOverWhenItDiesWithoutReleasing(KubeApiServer server, TestNamespace namespace) {
        for (int i = 0; i < 3; i++) {
            replicas.add(new Replica(server, namespace.name(), "agent-" + i, FAST));
        }
        Replica leader =
                await("one replica leads").atMost(Duration.ofSeconds(20)).until(this::actingOne, r -> r != null);
        assertThat(leader.started.get()).isEqualTo(1);
        assertThat(leader.acted.get())
                .as("leader-only work starts with the lead")
                .isEqualTo(1);
        assertThat(replicas.stream().mapToInt(r -> r.acted.get()).sum())
                .as("and only there")
                .isEqualTo(1);

        // As a SIGKILL: its connection goes, the lease is not released, so the others wait for it to expire.
        leader.cluster.close();
        await("the dead leader stops acting once it cannot renew")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !leader.leadership.acting());
        assertThat(leader.lost.get()).isEqualTo(1);
        Replica next = await("another replica takes over")
                .atMost(Duration.ofSeconds(20))
                .until(this::actingOne, r -> r != null && r != leader);
        assertThat(next.started.get()).isEqualTo(1);
        assertThat(replicas.stream().filter(r -> r.leadership.acting()).count()).isEqualTo(1);
        assertThat(lease(server, namespace).getSpec().getHolderIdentity()).isEqualTo(next.leadership.identity());
    }

    @Test
    void aLeaderThatLosesTheLeaseStopsActingAtOnce(KubeApiServer server, TestNamespace namespace) {
        Replica only = new Replica(server, namespace.name(), "agent-0", FAST);
        replicas.add(only);
        await("it leads").atMost(Duration.ofSeconds(20)).until(only.leadership::acting);

        // Another holder took the lease (e.g. after this replica was partitioned away for longer than the lease).
        // A merge patch, without the resourceVersion precondition of an update: the leader renews every 250 ms.
        server.client()
                .resources(Lease.class)
                .inNamespace(namespace.name())
                .withName("pcg-agent")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\": {\"holderIdentity\": \"agent-elsewhere\", \"leaseDurationSeconds\": 60}}");

        await("it notices at its next renewal").atMost(Duration.ofSeconds(10)).until(() -> only.lost.get() == 1);
        assertThat(only.leadership.acting()).isFalse();
    }

    @Test
    void aReplicaThatStopsGivesTheLeaseUpSoAFollowerTakesOverBeforeItExpires(
            KubeApiServer server, TestNamespace namespace) {
        LeaderElectionSettings longLease = new LeaderElectionSettings(
                true, "pcg-agent", Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(250));
        replicas.add(new Replica(server, namespace.name(), "agent-0", longLease));
        await("the first leads")
                .atMost(Duration.ofSeconds(20))
                .until(() -> replicas.get(0).leadership.acting());
        replicas.add(new Replica(server, namespace.name(), "agent-1", longLease));

        replicas.get(0).close();
        await("the follower leads well before the 60 s lease expires")
                .atMost(Duration.ofSeconds(15))
                .until(() -> replicas.get(1).leadership.acting());
        assertThat(replicas.get(0).lost.get()).as("giving up is not losing").isZero();
    }

    @Test
    void theInstallersAgentActsAloneUntilThePivotThenCampaignsAndLeads(KubeApiServer server, TestNamespace namespace) {
        LeaderElectionSettings longLease = new LeaderElectionSettings(
                true, "pcg-agent", Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(250));
        try (ManagementCluster cluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
                Leadership installer = new Leadership(longLease, namespace.name(), "installer")) {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger lost = new AtomicInteger();
            installer.actAlone(started::incrementAndGet, lost::incrementAndGet);
            assertThat(installer.acting())
                    .as("before the pivot: alone, no lease")
                    .isTrue();
            assertThat(started.get()).isEqualTo(1);
            assertThat(lease(server, namespace)).isNull();

            installer.campaign(cluster.client());
            await("it leads in the gateway cluster")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> installer.acting() && !installer.alone());
            assertThat(lease(server, namespace).getSpec().getHolderIdentity()).isEqualTo("installer");

            // A reset moves the gateway back: it acts alone again and gives the lease up, which is not losing it.
            installer.actAlone();
            assertThat(installer.acting()).isTrue();
            replicas.add(new Replica(server, namespace.name(), "agent-0", longLease));
            await("a replica leads well before the 60 s lease expires")
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> replicas.get(0).leadership.acting());
            assertThat(lost.get()).isZero();
        }
    }

    @Test
    void theInstallersAgentGivesWayToAReplicaThatAlreadyLeads(KubeApiServer server, TestNamespace namespace) {
        Replica pod = new Replica(server, namespace.name(), "agent-0", FAST);
        replicas.add(pod);
        await("the replica leads").atMost(Duration.ofSeconds(20)).until(pod.leadership::acting);
        try (ManagementCluster cluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
                Leadership installer = new Leadership(FAST, namespace.name(), "installer")) {
            AtomicInteger lost = new AtomicInteger();
            installer.actAlone(() -> {}, lost::incrementAndGet);

            installer.campaign(cluster.client());

            assertThat(installer.acting())
                    .as("a campaigner acts only once it leads")
                    .isFalse();
            await("it goes, console link and all, as a leader that lost the lease goes")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> lost.get() == 1);
            assertThat(pod.leadership.acting()).isTrue();
        }
    }

    private Replica actingOne() {
        List<Replica> acting =
                replicas.stream().filter(r -> r.leadership.acting()).toList();
        assertThat(acting).as("replicas acting at once").hasSizeLessThanOrEqualTo(1);
        return acting.isEmpty() ? null : acting.get(0);
    }

    private static Lease lease(KubeApiServer server, TestNamespace namespace) {
        return server.client()
                .resources(Lease.class)
                .inNamespace(namespace.name())
                .withName("pcg-agent")
                .get();
    }

    /** One agent replica: its own connection and elector, counting how often it started leading and lost the lease. */
    private static final class Replica implements AutoCloseable {

        final ManagementCluster cluster;
        final Leadership leadership;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger acted = new AtomicInteger();

        Replica(KubeApiServer server, String namespace, String identity, LeaderElectionSettings settings) {
            cluster = new ManagementCluster(KubeConfig.of(server.kubeconfig()));
            leadership = new Leadership(settings, namespace, identity);
            leadership.whenActing(acted::incrementAndGet);
            leadership.start(cluster.client(), started::incrementAndGet, lost::incrementAndGet);
        }

        @Override
        public void close() {
            leadership.close();
            cluster.close();
        }
    }
}
