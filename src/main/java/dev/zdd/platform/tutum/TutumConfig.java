package dev.zdd.platform.tutum;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Tutum or Docker Cloud.
 *
 * @param flavor         which of the two APIs (paths, action header, namespace)
 * @param apiUrl         the REST host, e.g. {@code https://dashboard.tutum.co} (no {@code /api/v1} suffix)
 * @param namespace      Docker Cloud organisation namespace, or null for the user's own (ignored on Tutum)
 * @param authorization  the complete {@code Authorization} header value; never printed
 * @param insecureHttp   allow plain {@code http://} to a host that is not a loopback address
 * @param connectTimeout connect timeout per request
 * @param readTimeout    read timeout per request
 * @param callTimeout    whole-call timeout per request
 */
public record TutumConfig(Flavor flavor, URI apiUrl, String namespace, String authorization, boolean insecureHttp,
                          Duration connectTimeout, Duration readTimeout, Duration callTimeout) {

    public enum Flavor {
        TUTUM("https://dashboard.tutum.co"),
        DOCKERCLOUD("https://cloud.docker.com");

        private final String defaultUrl;

        Flavor(String defaultUrl) {
            this.defaultUrl = defaultUrl;
        }

        public URI defaultUrl() {
            return URI.create(defaultUrl);
        }
    }

    public TutumConfig {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(apiUrl, "apiUrl");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        callTimeout = callTimeout == null ? Duration.ofSeconds(60) : callTimeout;
    }

    public TutumConfig(Flavor flavor, URI apiUrl, String namespace, String authorization, boolean insecureHttp) {
        this(flavor, apiUrl, namespace, authorization, insecureHttp, null, null, null);
    }

    /** Never shows the credentials. */
    @Override
    public String toString() {
        return "TutumConfig[flavor=" + flavor + ", apiUrl=" + apiUrl + ", namespace=" + namespace
               + ", authorization=" + (authorization == null ? "none" : "***") + ", insecureHttp=" + insecureHttp
               + "]";
    }
}
