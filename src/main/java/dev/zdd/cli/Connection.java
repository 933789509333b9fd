package dev.zdd.cli;

import java.net.URI;

/**
 * Which platform to talk to and how, as the options, environment and {@code ~/.tutum} resolved it.
 *
 * @param platform      which platform
 * @param apiUrl        where its API is, without a trailing slash
 * @param namespace     Docker Cloud namespace, or null
 * @param authorization the complete {@code Authorization} header value; never printed
 * @param credentialsFrom where the credentials came from (a variable or file name, for {@code -v})
 * @param insecureHttp  allow plain http to a host that is not a loopback address
 */
public record Connection(PlatformName platform, URI apiUrl, String namespace, String authorization,
                         String credentialsFrom, boolean insecureHttp) {

    /** Never shows the credentials. */
    @Override
    public String toString() {
        return "Connection[platform=" + platform + ", apiUrl=" + apiUrl + ", namespace=" + namespace
               + ", credentialsFrom=" + credentialsFrom + ", insecureHttp=" + insecureHttp + "]";
    }
}
