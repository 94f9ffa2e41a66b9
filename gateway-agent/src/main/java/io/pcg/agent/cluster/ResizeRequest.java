package io.pcg.agent.cluster;

import java.util.Optional;

/**
 * The {@code gateway.resize} payload: the size the admin wants. The product guide knows one resize only, 1 → 3 nodes
 * (a 3-node control plane keeps etcd quorum when a node is lost; 2 nodes would lose it with either one, and shrinking
 * would drop members from a working quorum).
 *
 * @param nodeCount the new number of nodes: 3
 */
record ResizeRequest(Integer nodeCount) {

    /** Why a gateway cluster of {@code current} nodes cannot become one of {@code requested}; empty when it can. */
    static Optional<String> refusal(int current, Integer requested) {
        if (requested == null) {
            return Optional.of("nodeCount is missing; the only resize is from 1 to 3 nodes");
        }
        if (requested == current) {
            return Optional.of("the gateway cluster has " + current + (current == 1 ? " node" : " nodes") + " already");
        }
        if (requested < current) {
            return Optional.of("a gateway cluster cannot shrink from " + current + " to " + requested
                    + " nodes: removing control-plane nodes would drop etcd members from a working quorum");
        }
        if (current != 1 || requested != 3) {
            return Optional.of("a gateway cluster has 1 or 3 nodes; the only resize is from 1 to 3, not from " + current
                    + " to " + requested);
        }
        return Optional.empty();
    }
}
