package dev.zdd.cli;

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
 */
public record Connection(PlatformName platform, URI apiUrl, String namespace, String authorization,
                         String credentialsFrom, boolean insecureHttp, Path caCert,
                         Map<String, String> proxyVariables) {

    public Connection {
        proxyVariables = proxyVariables == null ? Map.of() : Map.copyOf(proxyVariables);
    }

    /** Never shows the credentials. */
    @Override
    public String toString() {
        return "Connection[platform=" + platform + ", apiUrl=" + apiUrl + ", namespace=" + namespace
               + ", credentialsFrom=" + credentialsFrom + ", insecureHttp=" + insecureHttp + ", caCert=" + caCert
               + ", proxyVariables=" + proxyVariables.keySet() + "]";
    }
}
