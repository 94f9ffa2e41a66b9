package io.pcg.agent.bootstrap;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the agent creates its local management cluster and installs Cluster API into clusters, bound from
 * {@code pcg.agent.bootstrap.*}. The defaults are the appliance image's paths.
 *
 * @param versionsFile         the versions the image pins ({@code /etc/pcg/versions.env}, written by the image build)
 * @param kind                 the kind binary
 * @param clusterctl           the clusterctl binary
 * @param clusterName          name of the local kind cluster
 * @param clusterctlConfig     clusterctl's configuration (provider repository, image overrides); a local provider
 *                             repository there makes {@code clusterctl init} work without internet access
 * @param kindTimeout          how long creating the kind cluster may take (node image start, control plane up)
 * @param clusterctlTimeout    how long one clusterctl run may take ({@code init} waits for the providers)
 */
@ConfigurationProperties("pcg.agent.bootstrap")
public record BootstrapConfig(
        @Bindable(defaultValue = "/etc/pcg/versions.env") Path versionsFile,
        @Bindable(defaultValue = "/usr/local/bin/kind") Path kind,

        @Bindable(defaultValue = "/usr/local/bin/clusterctl")
        Path clusterctl,

        @Bindable(defaultValue = "pcg-bootstrap") String clusterName,
        @Bindable(defaultValue = "/etc/pcg/clusterctl.yaml") Path clusterctlConfig,
        @Bindable(defaultValue = "10m") Duration kindTimeout,
        @Bindable(defaultValue = "10m") Duration clusterctlTimeout) {}
