package io.pcg.agent.metrics;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.ipam.PoolUsage;
import io.pcg.agent.kube.ManagementCluster;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IP pools' used and free addresses, read from the management cluster when Prometheus scrapes: pools come and
 * go, so the rows are replaced on every read. A cluster that does not answer keeps the last rows.
 */
public final class PoolMeters {

    private static final Logger LOG = LoggerFactory.getLogger(PoolMeters.class);

    private final ManagementCluster cluster;
    private final PoolService pools;
    private final MultiGauge addresses;

    public PoolMeters(MeterRegistry registry, ManagementCluster cluster, PoolService pools) {
        this.cluster = cluster;
        this.pools = pools;
        this.addresses = MultiGauge.builder("pcg.ipam.pool.addresses")
                .description("Addresses of each IP pool, by state (used, free)")
                .register(registry);
    }

    /** Reads the pools again; called before each scrape. */
    public void refresh() {
        if (!cluster.isKnown()) {
            return;
        }
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (PoolUsage usage : pools.list()) {
                String pool = usage.pool().name();
                rows.add(MultiGauge.Row.of(Tags.of("pool", pool, "state", "used"), usage.used()));
                rows.add(MultiGauge.Row.of(Tags.of("pool", pool, "state", "free"), usage.free()));
            }
            addresses.register(rows, true);
        } catch (KubernetesClientException e) {
            LOG.debug("IP pools not read for the metrics: {}", e.getMessage());
        }
    }
}
