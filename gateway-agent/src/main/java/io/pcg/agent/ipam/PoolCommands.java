package io.pcg.agent.ipam;

import io.pcg.agent.tunnel.CommandFailedException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/** The {@code ipam.pool.*} console commands, each a handler bean over {@link PoolService}. */
public final class PoolCommands {

    private PoolCommands() {
    }

    /** Payload naming one pool. */
    public record PoolName(String name) {
    }

    /** Payload of {@code ipam.pool.list}: none. */
    public record NoArguments() {
    }

    /** Payload of {@code ipam.pool.capacity}: can {@code pool} give {@code count} more addresses to {@code cluster}? */
    public record CapacityRequest(String pool, String cluster, Long count) {
    }

    @Singleton
    public static class Create extends IpamCommandHandler<PoolSpec> {
        private final PoolService pools;

        public Create(PoolService pools) {
            super(PoolSpec.class);
            this.pools = pools;
        }

        @Override
        public String type() {
            return "ipam.pool.create";
        }

        @Override
        Object run(PoolSpec spec) throws PoolValidationException, IpamException {
            return pools.create(spec);
        }
    }

    @Singleton
    public static class Update extends IpamCommandHandler<PoolSpec> {
        private final PoolService pools;

        public Update(PoolService pools) {
            super(PoolSpec.class);
            this.pools = pools;
        }

        @Override
        public String type() {
            return "ipam.pool.update";
        }

        @Override
        Object run(PoolSpec spec) throws PoolValidationException, IpamException {
            return pools.update(spec);
        }
    }

    @Singleton
    public static class Delete extends IpamCommandHandler<PoolName> {
        private final PoolService pools;

        public Delete(PoolService pools) {
            super(PoolName.class);
            this.pools = pools;
        }

        @Override
        public String type() {
            return "ipam.pool.delete";
        }

        @Override
        Object run(PoolName payload) throws IpamException, CommandFailedException {
            String name = required(payload.name(), "name");
            pools.delete(name);
            return Map.of("deleted", name);
        }
    }

    @Singleton
    public static class ListPools extends IpamCommandHandler<NoArguments> {
        private final PoolService pools;

        public ListPools(PoolService pools) {
            super(NoArguments.class);
            this.pools = pools;
        }

        @Override
        public String type() {
            return "ipam.pool.list";
        }

        @Override
        Object run(NoArguments payload) {
            List<PoolUsage> usage = pools.list();
            return Map.of("pools", usage);
        }
    }

    @Singleton
    public static class Capacity extends IpamCommandHandler<CapacityRequest> {
        private final PoolService pools;

        public Capacity(PoolService pools) {
            super(CapacityRequest.class);
            this.pools = pools;
        }

        @Override
        public String type() {
            return "ipam.pool.capacity";
        }

        @Override
        Object run(CapacityRequest request) throws IpamException, CommandFailedException {
            String pool = required(request.pool(), "pool");
            String cluster = required(request.cluster(), "cluster");
            if (request.count() == null || request.count() < 1) {
                throw new CommandFailedException(INVALID_PAYLOAD, "count must be a positive number of addresses",
                        "for a new cluster ask for its nodes + 1 spare + 1 if the VIP comes from the pool");
            }
            return pools.capacity(pool, cluster, request.count());
        }
    }
}
