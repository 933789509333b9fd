package dev.zdd.platform.swarm;

import dev.zdd.platform.PlatformException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Docker Engine that is a Swarm manager.
 *
 * @param dockerHosts     the managers to talk to, each {@code unix:///path/to/docker.sock} or {@code tcp://host:port}:
 *                        the first one while it answers, then the next (a Swarm with several managers keeps serving
 *                        when one of them, even the leader, goes down)
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
public record SwarmConfig(List<URI> dockerHosts, boolean tlsVerify, Path certPath, boolean insecureHttp,
                          Duration connectTimeout, Duration responseTimeout, boolean events) {

    /** Where the docker CLI looks when DOCKER_HOST is not set. */
    public static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");

    public SwarmConfig {
        dockerHosts = List.copyOf(dockerHosts);
        if (dockerHosts.isEmpty()) {
            throw new IllegalArgumentException("no Docker host");
        }
        if (tlsVerify) {
            Objects.requireNonNull(certPath, "certPath is needed with tlsVerify");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(30) : responseTimeout;
    }

    public SwarmConfig(URI dockerHost, boolean tlsVerify, Path certPath) {
        this(List.of(dockerHost), tlsVerify, certPath, false, null, null, true);
    }

    /** The first manager, the one zdd talks to while it answers. */
    public URI dockerHost() {
        return dockerHosts.get(0);
    }

    /** The managers as the user wrote them: one address, or several separated by commas. */
    public String describeHosts() {
        return String.join(",", dockerHosts.stream().map(URI::toString).toList());
    }

    /**
     * Reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does: any non-empty
     * DOCKER_TLS_VERIFY turns verification on, and the certificates default to {@code ~/.docker}. Unlike the docker
     * CLI, DOCKER_HOST may name several managers of one Swarm, separated by commas.
     *
     * @param env  the environment, usually {@code System.getenv()}
     * @param home the user's home folder, for the default certificate path
     * @throws PlatformException of kind CONFIGURATION when DOCKER_HOST is not a unix:// or tcp:// address
     */
    public static SwarmConfig fromEnvironment(Map<String, String> env, Path home) {
        String host = env.get("DOCKER_HOST");
        List<URI> dockerHosts = host == null || host.isBlank() ? List.of(DEFAULT_HOST) : parseHosts(host);
        String verify = env.get("DOCKER_TLS_VERIFY");
        boolean tlsVerify = verify != null && !verify.isEmpty();
        String certs = env.get("DOCKER_CERT_PATH");
        Path certPath = certs == null || certs.isBlank() ? home.resolve(".docker") : Path.of(certs);
        return new SwarmConfig(dockerHosts, tlsVerify, certPath, false, null, null, true);
    }

    /** The same settings with another host, e.g. from {@code --api-url} or {@code ZDD_API_URL}. */
    public SwarmConfig withDockerHost(URI host) {
        return withDockerHosts(host.toString());
    }

    /**
     * The same settings with other hosts, e.g. from {@code --api-url} or {@code ZDD_API_URL}: one address, or several
     * managers separated by commas.
     */
    public SwarmConfig withDockerHosts(String hosts) {
        return new SwarmConfig(parseHosts(hosts), tlsVerify, certPath, insecureHttp, connectTimeout, responseTimeout,
                events);
    }

    /** The same settings, allowing plain TCP to a remote engine or not ({@code --insecure-http}). */
    public SwarmConfig withInsecureHttp(boolean value) {
        return new SwarmConfig(dockerHosts, tlsVerify, certPath, value, connectTimeout, responseTimeout, events);
    }

    /** The same settings, listening to the engine's events or only polling ({@code --no-stream}). */
    public SwarmConfig withEvents(boolean value) {
        return new SwarmConfig(dockerHosts, tlsVerify, certPath, insecureHttp, connectTimeout, responseTimeout, value);
    }

    /** Plain TCP to an engine that is not on this machine: anyone on the path could take the engine over. */
    boolean isPlainRemoteTcp() {
        return dockerHosts.stream().anyMatch(this::isPlainRemoteTcp);
    }

    /** The first manager that would be reached over plain TCP off this machine, or null. */
    URI plainRemoteTcpHost() {
        return dockerHosts.stream().filter(this::isPlainRemoteTcp).findFirst().orElse(null);
    }

    private boolean isPlainRemoteTcp(URI dockerHost) {
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
     * One address, or several separated by commas (spaces around them allowed), each as {@link #parseHost} takes it;
     * an empty one, or the same one twice, is a configuration error.
     */
    static List<URI> parseHosts(String text) {
        List<URI> hosts = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw PlatformException.configuration("DOCKER_HOST '" + text + "' has an empty address: separate"
                                                      + " the managers with single commas");
            }
            URI host = parseHost(part.strip());
            if (hosts.contains(host)) {
                throw PlatformException.configuration("DOCKER_HOST '" + text + "' names " + host + " twice");
            }
            hosts.add(host);
        }
        return hosts;
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
