package io.pcg.agent.ipam;

import java.util.List;
import java.util.Map;

/**
 * A pool with its usage, as {@code ipam.pool.list} shows it.
 *
 * @param clusters         addresses held, by cluster ({@value #NO_CLUSTER} for claims that name none)
 * @param reservedFor      the cluster holding a restricted pool, or null
 * @param releasing        addresses released but still in their reuse grace period (counted as used)
 */
public record PoolUsage(
        PoolSpec pool,
        String addresses,
        long total,
        long used,
        long free,
        String reservedFor,
        Map<String, List<String>> clusters,
        long releasing) {

    public static final String NO_CLUSTER = "(none)";
}
