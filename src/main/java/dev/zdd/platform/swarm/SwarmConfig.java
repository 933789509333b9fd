package dev.zdd.platform.swarm;

import dev.zdd.platform.PlatformException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Docker Engine that is a Swarm manager.
 *
 * @param dockerHost      {@code unix:///path/to/docker.sock} or {@code tcp://host:port}
 * @param tlsVerify       speak TLS to a {@code tcp://} host and verify it against {@code certPath/ca.pem}, presenting
 *                        {@code cert.pem} + {@code key.pem}, as the docker CLI does with {@code DOCKER_TLS_VERIFY}
 * @param certPath        the folder with {@code ca.pem}, {@code cert.pem} and {@code key.pem}; used with TLS only
 * @param insecureHttp    allow plain {@code tcp://} (no TLS) to a host that is not a loopback address, as
 *                        {@code --insecure-http} allows plain http for the other platforms
 * @param connectTimeout  how long to wait for a connection
 * @param responseTimeout how long to wait for an answer to one request
 * @param events          listen to the engine's events so that waits end when something changed ({@code --no-stream}
 *                        turns it off: plain polling)
 */
public record SwarmConfig(URI dockerHost, boolean tlsVerify, Path certPath, boolean insecureHttp,
                          Duration connectTimeout, Duration responseTimeout, boolean events) {

    /** Where the docker CLI looks when DOCKER_HOST is not set. */
    public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");

    public SwarmConfig {
        Objects.requireNonNull(dockerHost, "dockerHost");
        if (tlsVerify) {
            Objects.requireNonNull(certPath, "certPath is needed with tlsVerify");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(30) : responseTimeout;
    }

    public SwarmConfig(URI dockerHost, boolean tlsVerify, Path certPath) {
        this(dockerHost, tlsVerify, certPath, false, null, null, true);
    }

    /**
     * Reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does: any non-empty
     * DOCKER_TLS_VERIFY turns verification on, and the certificates default to {@code ~/.docker}.
     *
     * @param env  the environment, usually {@code System.getenv()}
     * @param home the user's home folder, for the default certificate path
     * @throws PlatformException of kind CONFIGURATION when DOCKER_HOST is not a unix:// or tcp:// address
     */
    public static SwarmConfig fromEnvironment(Map<String, String> env, Path home) {
        String host = env.get("DOCKER_HOST");
        URI dockerHost = host == null || host.isBlank() ? DEFAULT_HOST : parseHost(host);
        String verify = env.get("DOCKER_TLS_VERIFY");
        boolean tlsVerify = verify != null && !verify.isEmpty();
        String certs = env.get("DOCKER_CERT_PATH");
        Path certPath = certs == null || certs.isBlank() ? home.resolve(".docker") : Path.of(certs);
        return new SwarmConfig(dockerHost, tlsVerify, certPath);
    }

    /** The same settings with another host, e.g. from {@code --api-url} or {@code ZDD_API_URL}. */
    public SwarmConfig withDockerHost(URI host) {
        return new SwarmConfig(parseHost(host.toString()), tlsVerify, certPath, insecureHttp, connectTimeout,
                responseTimeout, events);
    }

    /** The same settings, allowing plain TCP to a remote engine or not ({@code --insecure-http}). */
    public SwarmConfig withInsecureHttp(boolean value) {
        return new SwarmConfig(dockerHost, tlsVerify, certPath, value, connectTimeout, responseTimeout, events);
    }

    /** The same settings, listening to the engine's events or only polling ({@code --no-stream}). */
    public SwarmConfig withEvents(boolean value) {
        return new SwarmConfig(dockerHost, tlsVerify, certPath, insecureHttp, connectTimeout, responseTimeout, value);
    }

    /** Plain TCP to an engine that is not on this machine: anyone on the path could take the engine over. */
    boolean isPlainRemoteTcp() {
        if (!"tcp".equalsIgnoreCase(dockerHost.getScheme()) || tlsVerify) {
            return false;
        }
        String host = dockerHost.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return false;
        }
        // Only IP literals are looked at (no DNS): a name could resolve anywhere tomorrow.
        boolean literal = host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        try {
            return !(literal && InetAddress.getByName(host).isLoopbackAddress());
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /**
     * Accepts what the docker CLI accepts for DOCKER_HOST that zdd can use: {@code unix://PATH} and
     * {@code tcp://HOST:PORT}. Anything else (ssh://, npipe://, http://) is a configuration error, named in one line.
     */
    static URI parseHost(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw PlatformException.configuration("DOCKER_HOST '" + text + "' is not a valid address");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix" -> {
                if (uri.getPath() == null || uri.getPath().isEmpty()) {
                    throw PlatformException.configuration("DOCKER_HOST '" + text + "' names no socket path");
                }
            }
            case "tcp" -> {
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw PlatformException.configuration("DOCKER_HOST '" + text + "' must be tcp://HOST:PORT");
                }
            }
            default -> throw PlatformException.configuration("DOCKER_HOST '" + text + "' is not supported by zdd:"
                                                            + " use unix:///path/to/docker.sock or tcp://HOST:PORT");
        }
        return uri;
    }
}
