package io.pcg.agent.vsphere;

/** A vSphere managed object reference ({@code Datacenter:datacenter-2}), free of any client library type. */
public record Moref(String type, String value) {

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
