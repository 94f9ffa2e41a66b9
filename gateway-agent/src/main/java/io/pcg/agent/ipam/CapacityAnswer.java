package io.pcg.agent.ipam;

/**
 * Answer to "can pool P give N more addresses to cluster X?".
 *
 * @param free    addresses the pool can still hand out (minus claims already waiting for it)
 * @param reason  why not, when {@code sufficient} is false; null otherwise
 */
public record CapacityAnswer(
        String pool, String cluster, long requested, long free, boolean sufficient, String reason) {}
