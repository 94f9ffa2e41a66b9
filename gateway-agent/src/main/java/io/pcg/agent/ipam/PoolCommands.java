package io.pcg.agent.ipam;

import io.pcg.agent.command.CommandFailedException;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** The {@code ipam.pool.*} console commands, each a handler bean over {@link PoolService}. */
public final class PoolCommands {

    private PoolCommands() {}

    /** Payload naming one pool. */
    public record PoolName(String name) {
        public PoolName {
            name = trimmed(name);
        }
    }

    /** Payload of {@code ipam.pool.list}: none. */
    public record NoArguments() {}

    /** Payload of {@code ipam.pool.capacity}: can {@code pool} give {@code count} more addresses to {@code cluster}? */
    public record CapacityRequest(String pool, String cluster, Long count) {
        public CapacityRequest {
            pool = trimmed(pool);
            cluster = trimmed(cluster);
        }
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
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
        Object apply(PoolSpec spec) throws PoolValidationException, IpamException {
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
        Object apply(PoolSpec spec) throws PoolValidationException, IpamException {
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
        protected void validate(PoolName payload) throws CommandFailedException {
            required(payload.name(), "name");
        }

        @Override
        Object apply(PoolName payload) throws IpamException {
            pools.delete(payload.name());
            return Map.of("deleted", payload.name());
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
        Object apply(NoArguments payload) {
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
        protected void validate(CapacityRequest request) throws CommandFailedException {
            required(request.pool(), "pool");
            required(request.cluster(), "cluster");
            if (request.count() == null || request.count() < 1) {
                throw new CommandFailedException(
                        INVALID_PAYLOAD,
                        "count must be a positive number of addresses",
                        "for a new cluster ask for its nodes + 1 spare + 1 if the VIP comes from the pool");
            }
        }

        @Override
        Object apply(CapacityRequest request) throws IpamException {
            return pools.capacity(request.pool(), request.cluster(), request.count());
        }
    }
}
