package io.pcg.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;

import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fabric8 CRUD dispatcher with an index from namespace and name to stored objects. The library looks up the
 * object of every create, update and patch by matching the request against every stored object, which makes each
 * write cost O(objects) on the mock server's single thread: with thousands of IPAM objects the mock server, not the
 * allocator, was the bottleneck of the benchmark. Storage, matching, versions, conflicts and watches stay the
 * library's; the index only narrows which stored objects are matched. Should the index ever disagree with the store
 * (a library change in how keys are built), it switches itself off and the library's full scan answers again.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private final Map<String, Set<AttributeSet>> byNamespacedName = new ConcurrentHashMap<>();
    private volatile boolean indexTrusted = true;

    IndexedCrudDispatcher(List<CustomResourceDefinitionContext> crdContexts) {
        super(crdContexts);
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        String key = namespacedName(query);
        if (key == null || !indexTrusted) {
            return super.findResource(query);
        }
        Set<AttributeSet> candidates = byNamespacedName.get(key);
        if (candidates == null) {
            return null;
        }
        synchronized (candidates) {
            for (AttributeSet stored : candidates) {
                String value = map.get(stored);
                if (value != null && stored.matches(query)) {
                    return new AbstractMap.SimpleImmutableEntry<>(stored, value);
                }
            }
        }
        return null;
    }

    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                             GenericKubernetesResource resource, String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (oldAttributes != null) {
            forget(oldAttributes);
        }
        if (newState != null) {
            // The same key the library stored the new state under (KubernetesCrudDispatcher.processEvent).
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) getAttributeExtractor();
            AttributeSet stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!stored.containsKey(KubernetesAttributesExtractor.PLURAL)) {
                stored = AttributeSet.merge(pathAttributes, stored);
            }
            String key = namespacedName(stored);
            if (!map.containsKey(stored)) {
                indexTrusted = false;
            } else if (key != null) {
                Set<AttributeSet> entries = byNamespacedName.computeIfAbsent(key, ignored -> new LinkedHashSet<>());
                synchronized (entries) {
                    entries.add(stored);
                }
            }
        }
    }

    @Override
    public void reset() {
        super.reset();
        byNamespacedName.clear();
    }

    private void forget(AttributeSet attributes) {
        String key = namespacedName(attributes);
        Set<AttributeSet> entries = key == null ? null : byNamespacedName.get(key);
        if (entries != null) {
            synchronized (entries) {
                entries.remove(attributes);
            }
        }
    }

    /** "namespace/name" when both are plain single values, else null (cluster-scoped objects, lists, selectors). */
    private static String namespacedName(AttributeSet attributes) {
        String namespace = single(attributes.getAttribute(KubernetesAttributesExtractor.NAMESPACE));
        String name = single(attributes.getAttribute(KubernetesAttributesExtractor.NAME));
        return namespace == null || name == null ? null : namespace + "/" + name;
    }

    private static String single(Attribute attribute) {
        if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
            return null;
        }
        return attribute.getValues().get(0).toString();
    }
}
