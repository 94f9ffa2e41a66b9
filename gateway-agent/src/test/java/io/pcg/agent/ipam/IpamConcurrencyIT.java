package io.pcg.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pcg.agent.kube.Fields;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.KubeApiServerExtension;
import io.pcg.testkit.kube.TestNamespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 32 claimers drain one pool while the allocator is restarted under them: every address goes out exactly once,
 * the claims left over report exhaustion, and releasing addresses serves them with no help.
 */
@ExtendWith(KubeApiServerExtension.class)
class IpamConcurrencyIT {

    private static final int CLAIMERS = 32;
    private static final int CAPACITY = 40;
    private static final int RESTART_AFTER = 15;

    private IpamFixture ipam;

    @BeforeEach
    void start(KubeApiServer server, TestNamespace namespace) {
        ipam = IpamFixture.started(server, namespace);
    }

    @AfterEach
    void stop() {
        ipam.close();
    }

    @Test
    void everyAddressGoesOutOnceThroughARestartAndWaitingClaimsAreServedOnRelease() throws Exception {
        ipam.pools()
                .create(new PoolSpec(
                        "shared",
                        "range",
                        "10.0.0.10",
                        "10.0.0.49",
                        null,
                        24,
                        "10.0.0.1",
                        List.of(),
                        false,
                        List.of()));

        Map<String, String> allocated = new ConcurrentHashMap<>();
        Set<String> exhausted = ConcurrentHashMap.newKeySet();
        AtomicInteger served = new AtomicInteger();
        CountDownLatch restartPoint = new CountDownLatch(RESTART_AFTER);
        ExecutorService claimers = Executors.newFixedThreadPool(CLAIMERS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < CLAIMERS; t++) {
            int claimer = t;
            running.add(claimers.submit(() -> {
                for (int k = 0; ; k++) {
                    String claim = "claimer-" + claimer + "-" + k;
                    ipam.createClaim(claim, "shared", "cluster-" + (claimer % 4));
                    await(claim + " is served or reports exhaustion")
                            .atMost(IpamFixture.WAIT)
                            .until(() -> {
                                String reason = ipam.reason(claim);
                                return "Allocated".equals(reason) || "PoolExhausted".equals(reason);
                            });
                    if ("PoolExhausted".equals(ipam.reason(claim))) {
                        exhausted.add(claim);
                        return null;
                    }
                    allocated.put(claim, ipam.address(claim));
                    served.incrementAndGet();
                    restartPoint.countDown();
                }
            }));
        }
        restartPoint.await();
        ipam.crashAndRestartController();
        for (Future<?> claimer : running) {
            claimer.get(5, TimeUnit.MINUTES);
        }
        claimers.shutdown();

        assertThat(allocated).hasSize(CAPACITY);
        assertThat(Set.copyOf(allocated.values())).hasSize(CAPACITY);
        assertThat(exhausted).hasSize(CLAIMERS);
        for (String claim : exhausted) {
            assertThat(ipam.message(claim)).contains("IP pool shared has no free address (40 of 40 in use)");
        }
        assertNoLeakNoDuplicate(CAPACITY);

        // Release ten addresses: ten waiting claims are served, by the deletions alone.
        List<String> released = allocated.keySet().stream().sorted().limit(10).toList();
        released.forEach(ipam::deleteClaim);
        released.forEach(ipam::awaitGone);
        await("ten waiting claims are served")
                .atMost(IpamFixture.WAIT)
                .until(() -> exhausted.stream()
                                .filter(claim -> "Allocated".equals(ipam.reason(claim)))
                                .count()
                        == 10);
        assertThat(exhausted.stream()
                        .filter(claim -> "PoolExhausted".equals(ipam.reason(claim)))
                        .count())
                .isEqualTo(CLAIMERS - 10);
        assertNoLeakNoDuplicate(CAPACITY);
        assertThat(ipam.pools().list().get(0).free()).isZero();
    }

    /** Each IPAddress answers a live claim that points back at it; no address is held twice. */
    private void assertNoLeakNoDuplicate(int expected) {
        List<GenericKubernetesResource> addresses = ipam.addresses();
        assertThat(addresses).hasSize(expected);
        Map<String, Long> byAddress = addresses.stream()
                .collect(Collectors.groupingBy(a -> Fields.text(a, "spec", "address"), Collectors.counting()));
        assertThat(byAddress.values()).allMatch(count -> count == 1);
        Map<String, String> claimToAddressObject = new HashMap<>();
        for (GenericKubernetesResource address : addresses) {
            String claim = Fields.text(address, "spec", "claimRef", "name");
            assertThat(claimToAddressObject.put(claim, address.getMetadata().getName()))
                    .as("claim " + claim + " holds two addresses")
                    .isNull();
            assertThat(Fields.text(ipam.claim(claim), "status", "addressRef", "name"))
                    .isEqualTo(address.getMetadata().getName());
        }
    }
}
