package io.pcg.agent.cluster;

/**
 * The steps of provisioning the gateway cluster as the console shows them (the product guide's "detailed
 * provisioning sequence"), in order. Each is a condition: True when done, False with the reason while it fails
 * (provisioning goes on retrying), Unknown while it is under way or not reached.
 */
public enum Milestone {
    VCENTER_VALIDATED("VCenterValidated", "Validating vCenter"),
    MANAGEMENT_CLUSTER_READY("ManagementClusterReady", "Creating Management Cluster"),
    CLUSTER_API_INSTALLED("ClusterApiInstalled", "Installing Cluster API"),
    NODE_ADDRESSES_ALLOCATED("NodeAddressesAllocated", "Allocating Node IP Addresses"),
    INFRASTRUCTURE_CREATED("InfrastructureCreated", "Creating Infrastructure"),
    CONTROL_PLANE_NODE_ADDED("ControlPlaneNodeAdded", "Adding Control Plane Node"),
    CLUSTER_MANAGEMENT_MOVED("ClusterManagementMoved", "Moving Cluster Management into the Gateway Cluster"),
    CONTROL_PLANE_READY("ControlPlaneReady", "Adding Remaining Control Plane Nodes"),
    /** Not a provisioning step: set by the first upgrade, True once the last one is done. */
    UPGRADED("Upgraded", "Upgrading the Gateway Cluster");

    private final String type;
    private final String title;

    Milestone(String type, String title) {
        this.type = type;
        this.title = title;
    }

    /** The condition type, CamelCase as Kubernetes conditions. */
    public String type() {
        return type;
    }

    /** What the console shows. */
    public String title() {
        return title;
    }
}
