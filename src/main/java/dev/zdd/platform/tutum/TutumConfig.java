package dev.zdd.platform.tutum;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
 * @param callTimeout    whole-call timeout per request (each try of a retried request gets its own)
 * @param caCert         a PEM file of one or more CA certificates to trust besides the system's, or null
 * @param environment    the process environment, read for {@code HTTPS_PROXY}, {@code HTTP_PROXY} and
 *                       {@code NO_PROXY} (either case); empty for direct connections
 * @param retry          how requests that are safe to repeat are retried
 * @param streamUrl      the events stream's host, e.g. {@code wss://stream.tutum.co} (the events path is added), or
 *                       null to poll only
 */
public record TutumConfig(Flavor flavor, URI apiUrl, String namespace, String authorization, boolean insecureHttp,
                          Duration connectTimeout, Duration readTimeout, Duration callTimeout, Path caCert,
                          Map<String, String> environment, RetryPolicy retry, URI streamUrl) {

    public enum Flavor {
        TUTUM("https://dashboard.tutum.co", "wss://stream.tutum.co"),
        DOCKERCLOUD("https://cloud.docker.com", "wss://ws.cloud.docker.com");

        private final String defaultUrl;
        private final String defaultStreamUrl;

        Flavor(String defaultUrl, String defaultStreamUrl) {
            this.defaultUrl = defaultUrl;
            this.defaultStreamUrl = defaultStreamUrl;
        }

        public URI defaultUrl() {
            return URI.create(defaultUrl);
        }

        /** Where the events stream of the platform's own API ({@link #defaultUrl()}) is. */
        public URI defaultStreamUrl() {
            return URI.create(defaultStreamUrl);
        }
    }

    public TutumConfig {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(apiUrl, "apiUrl");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        callTimeout = callTimeout == null ? Duration.ofSeconds(60) : callTimeout;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    public TutumConfig(Flavor flavor, URI apiUrl, String namespace, String authorization, boolean insecureHttp,
                       Duration connectTimeout, Duration readTimeout, Duration callTimeout) {
        this(flavor, apiUrl, namespace, authorization, insecureHttp, connectTimeout, readTimeout, callTimeout,
                null, null, null, null);
    }

    public TutumConfig(Flavor flavor, URI apiUrl, String namespace, String authorization, boolean insecureHttp) {
        this(flavor, apiUrl, namespace, authorization, insecureHttp, null, null, null);
    }

    public TutumConfig withCaCert(Path file) {
        return new TutumConfig(flavor, apiUrl, namespace, authorization, insecureHttp, connectTimeout, readTimeout,
                callTimeout, file, environment, retry, streamUrl);
    }

    public TutumConfig withEnvironment(Map<String, String> variables) {
        return new TutumConfig(flavor, apiUrl, namespace, authorization, insecureHttp, connectTimeout, readTimeout,
                callTimeout, caCert, variables, retry, streamUrl);
    }

    public TutumConfig withRetry(RetryPolicy policy) {
        return new TutumConfig(flavor, apiUrl, namespace, authorization, insecureHttp, connectTimeout, readTimeout,
                callTimeout, caCert, environment, policy, streamUrl);
    }

    /** Listens to the events stream at {@code url} (a {@code ws://} or {@code wss://} host), or polls only (null). */
    public TutumConfig withStreamUrl(URI url) {
        return new TutumConfig(flavor, apiUrl, namespace, authorization, insecureHttp, connectTimeout, readTimeout,
                callTimeout, caCert, environment, retry, url);
    }

    /** Never shows the credentials, nor the environment (a proxy URL may hold a password). */
    @Override
    public String toString() {
        return "TutumConfig[flavor=" + flavor + ", apiUrl=" + apiUrl + ", namespace=" + namespace
               + ", authorization=" + (authorization == null ? "none" : "***") + ", insecureHttp=" + insecureHttp
               + ", caCert=" + caCert + ", retry=" + retry + ", streamUrl=" + streamUrl + "]";
    }
}
