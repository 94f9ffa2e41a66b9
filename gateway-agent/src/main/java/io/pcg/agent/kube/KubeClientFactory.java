package io.pcg.agent.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The one client to the management cluster; every capability that stores state there shares it. */
@Factory
public class KubeClientFactory {

    @Singleton
    @Bean(preDestroy = "close")
    public KubernetesClient managementClusterClient(KubeConfig settings) {
        return new KubernetesClientBuilder().withConfig(config(settings)).build();
    }

    static Config config(KubeConfig settings) {
        Config config;
        if (settings.kubeconfig() != null) {
            try {
                config = Config.fromKubeconfig(Files.readString(settings.kubeconfig()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + settings.kubeconfig()
                        + " (set pcg.agent.kube.kubeconfig to the management cluster's kubeconfig)", e);
            }
        } else {
            config = Config.autoConfigure(null);
        }
        config.setRequestTimeout((int) settings.requestTimeout().toMillis());
        return config;
    }
}
