package io.pcg.agent.link;

import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ProxiedSocketAddress;
import io.grpc.ProxyDetector;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.proxy.ProxyUrl;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Tells gRPC to tunnel through the HTTPS proxy with HTTP CONNECT (basic auth when the URL has credentials),
 * unless NO_PROXY exempts the target. gRPC asks before it resolves the target, so a proxied console name is
 * resolved by the proxy, as with curl.
 */
public final class ConsoleProxyDetector implements ProxyDetector {

    private final ProxySettings settings;

    public ConsoleProxyDetector(ProxySettings settings) {
        this.settings = settings;
    }

    @Override
    public ProxiedSocketAddress proxyFor(SocketAddress target) throws UnknownHostException {
        if (!(target instanceof InetSocketAddress targetAddress)) {
            return null;
        }
        Optional<ProxyUrl> proxy = settings.proxyFor("https", targetAddress.getHostString());
        if (proxy.isEmpty()) {
            return null;
        }
        ProxyUrl url = proxy.get();
        InetSocketAddress proxyAddress = new InetSocketAddress(url.host(), url.port());
        if (proxyAddress.isUnresolved()) {
            throw new UnknownHostException("proxy host " + url.host() + " from HTTPS_PROXY");
        }
        HttpConnectProxiedSocketAddress.Builder address = HttpConnectProxiedSocketAddress.newBuilder()
                .setTargetAddress(targetAddress)
                .setProxyAddress(proxyAddress);
        if (url.hasCredentials()) {
            address.setUsername(url.username()).setPassword(url.password().reveal());
        }
        return address.build();
    }
}
