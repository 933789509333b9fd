package dev.zdd.cli.wiring;

import dev.zdd.platform.swarm.RegistryCredentials;
import dev.zdd.platform.swarm.SwarmConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which platform to talk to and how, as the options, environment and {@code ~/.tutum} resolved it.
 *
 * @param platform      which platform
 * @param apiUrl        where its API is, without a trailing slash
 * @param namespace     Docker Cloud namespace, or null
 * @param authorization the complete {@code Authorization} header value; never printed
 * @param credentialsFrom where the credentials came from (a variable or file name, for {@code -v})
 * @param insecureHttp  allow plain http to a host that is not a loopback address
 * @param caCert        a PEM file of CA certificates to trust besides the system's, or null
 * @param proxyVariables the proxy variables that are set ({@code HTTPS_PROXY}, {@code no_proxy}, ...); never
 *                      printed, as a proxy URL may hold a password
 * @param swarm         for {@code --platform swarm}: the Docker engine's address and TLS settings; else null
 * @param streamUrl     Tutum's or Docker Cloud's events stream host ({@code ws://} or {@code wss://}), or null to
 *                      poll only
 * @param events        whether to listen to the platform's events (false with {@code --no-stream})
 * @param registries    for {@code --platform swarm}: where the registry credentials are, as the docker CLI keeps
 *                      them; {@link RegistryCredentials#NONE} otherwise
 */
public record Connection(PlatformName platform, URI apiUrl, String namespace, String authorization,
                         String credentialsFrom, boolean insecureHttp, Path caCert,
                         Map<String, String> proxyVariables, SwarmConfig swarm, URI streamUrl, boolean events,
                         RegistryCredentials registries) {

    public Connection(PlatformName platform, URI apiUrl, String namespace, String authorization,
                      String credentialsFrom, boolean insecureHttp, Path caCert, Map<String, String> proxyVariables,
                      SwarmConfig swarm, URI streamUrl, boolean events) {
        this(platform, apiUrl, namespace, authorization, credentialsFrom, insecureHttp, caCert, proxyVariables, swarm,
                streamUrl, events, RegistryCredentials.NONE);
    }

    public Connection(PlatformName platform, URI apiUrl, String namespace, String authorization,
                      String credentialsFrom, boolean insecureHttp, Path caCert, Map<String, String> proxyVariables) {
        this(platform, apiUrl, namespace, authorization, credentialsFrom, insecureHttp, caCert, proxyVariables, null,
                null, false);
    }

    /**
     * Tutum's API on loopback with its events stream, and nothing else: no proxy, no extra CA. What {@code zdd demo}
     * needs to reach the sandbox it started.
     */
    public static Connection loopbackTutum(URI apiUrl, String authorization, String credentialsFrom, URI streamUrl) {
        return new Connection(PlatformName.TUTUM, apiUrl, null, authorization, credentialsFrom, false, null, Map.of(),
                null, streamUrl, streamUrl != null);
    }

    /** A connection to a Docker engine: the engine's socket or TLS client certificate is the credential. */
    static Connection swarm(SwarmConfig config, RegistryCredentials registries) {
        return new Connection(PlatformName.SWARM, config.dockerHost(), null, null, "the Docker engine's own access",
                config.insecureHttp(), null, Map.of(), config, null, config.events(), registries);
    }

    public Connection {
        proxyVariables = proxyVariables == null ? Map.of() : Map.copyOf(proxyVariables);
        registries = registries == null ? RegistryCredentials.NONE : registries;
    }

    /** Never shows the credentials. */
    @Override
    public String toString() {
        return "Connection[platform=" + platform + ", apiUrl=" + apiUrl + ", namespace=" + namespace
               + ", credentialsFrom=" + credentialsFrom + ", insecureHttp=" + insecureHttp + ", caCert=" + caCert
               + ", proxyVariables=" + proxyVariables.keySet() + ", streamUrl=" + streamUrl + ", events=" + events
               + "]";
    }
}
