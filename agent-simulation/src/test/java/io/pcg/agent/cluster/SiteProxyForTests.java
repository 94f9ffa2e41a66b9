package io.pcg.agent.cluster;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.pcg.agent.AgentFactory;
import io.pcg.common.proxy.ProxySettings;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * A site proxy for an agent context started with {@code pcg.test.site-proxy} (and {@code pcg.test.site-no-proxy}),
 * as the installer would put it in the agent's environment, which a test JVM cannot change.
 */
@Factory
@Requires(property = SiteProxyForTests.PROPERTY)
public class SiteProxyForTests {

    public static final String PROPERTY = "pcg.test.site-proxy";

    @Singleton
    @Replaces(value = ProxySettings.class, factory = AgentFactory.class)
    ProxySettings siteProxy(
            @Value("${" + PROPERTY + "}") String proxy, @Value("${pcg.test.site-no-proxy:}") String noProxy) {
        return ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", proxy, "HTTPS_PROXY", proxy, "NO_PROXY", noProxy));
    }
}
