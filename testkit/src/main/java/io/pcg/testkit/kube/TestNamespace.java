package io.pcg.testkit.kube;

/**
 * A namespace of its own for one test, created before it and deleted after it by {@link KubeApiServerExtension}, so
 * that tests sharing the JVM-wide API server never see each other's objects.
 */
public record TestNamespace(String name) {

    @Override
    public String toString() {
        return name;
    }
}
