package io.pcg.agent.vsphere;

import java.util.Arrays;
import java.util.Locale;

/** The vSphere objects a placement names, plus vCenter itself (its root folder). */
public enum PlacementObject {
    VCENTER,
    DATACENTER,
    CLUSTER,
    DATASTORE,
    NETWORK,
    RESOURCE_POOL,
    FOLDER;

    /** The spelling used in resource files and check ids, e.g. {@code resource-pool}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static PlacementObject ofId(String id) {
        return Arrays.stream(values())
                .filter(o -> o.id().equals(id.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown vSphere object kind '" + id
                        + "', expected one of "
                        + Arrays.stream(values()).map(PlacementObject::id).toList()));
    }
}
