package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Watches with a local cache (informers) that controllers start and wait for before they act on the cache. */
public final class Informers {

    private Informers() {}

    /**
     * Starts an informer on one kind in one namespace and waits until its first list is in the cache, so the
     * controller never mistakes an unsynced cache for an empty cluster.
     *
     * @throws IllegalStateException naming the kind and namespace when the list does not finish within
     *                               {@code timeout}; the informer is closed then
     */
    public static SharedIndexInformer<GenericKubernetesResource> startSynced(
            KubernetesClient client,
            ResourceDefinitionContext kind,
            String namespace,
            ResourceEventHandler<GenericKubernetesResource> handler,
            Duration timeout) {
        SharedIndexInformer<GenericKubernetesResource> informer =
                client.genericKubernetesResources(kind).inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(handler);
        try {
            informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return informer;
        } catch (InterruptedException e) {
            informer.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing " + kind.getPlural(), e);
        } catch (ExecutionException | TimeoutException e) {
            informer.close();
            throw new IllegalStateException(
                    "cannot list and watch " + kind.getPlural() + " in namespace " + namespace
                            + " on the management cluster",
                    e);
        }
    }

    /** An event handler for controllers to whom an add and an update mean the same: look at the object again. */
    public abstract static class ChangeHandler implements ResourceEventHandler<GenericKubernetesResource> {

        /** The object was added or changed (also on every resync). */
        protected void changed(GenericKubernetesResource resource) {}

        @Override
        public void onAdd(GenericKubernetesResource resource) {
            changed(resource);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            changed(after);
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean unknownFinalState) {}
    }
}
