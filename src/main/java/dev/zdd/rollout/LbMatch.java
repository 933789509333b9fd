package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the engine tells which load balancer servers are a container's without being told: the server's address
 * is one of the container's published endpoints ({@code host:port}, as written: no name is resolved), or its name
 * is the container's name. A platform that lists no containers (Swarm) is matched by the service's name.
 */
final class LbMatch {

    private LbMatch() {
    }

    static boolean isContainers(LoadBalancer.Server server, Container container) {
        if (server.name().equals(container.name())) {
            return true;
        }
        String address = normal(server.address());
        return address != null && container.httpEndpoints().stream().anyMatch(e -> address.equals(address(e)));
    }

    /** What {@link #isContainers} looks for, for the messages. */
    static String lookedFor(Container container) {
        List<String> addresses = container.httpEndpoints().stream().map(LbMatch::address).toList();
        return (addresses.isEmpty() ? "" : "a server at " + String.join(" or ", addresses) + " or ")
               + "a server named " + container.name();
    }

    /** {@code host:port} of a published endpoint, the port defaulting to the scheme's. */
    static String address(URI endpoint) {
        int port = endpoint.getPort() >= 0 ? endpoint.getPort()
                : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
        return normal(endpoint.getHost() + ":" + port);
    }

    /** The backends a reading has, for messages that say where zdd looked. */
    static String backends(List<LoadBalancer.Server> servers) {
        return servers.stream().map(LoadBalancer.Server::backend).distinct().collect(Collectors.joining(", "));
    }

    /** Brackets around an IPv6 host dropped and the host in lower case, so that both sides are written alike. */
    private static String normal(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            return null;
        }
        return hostPort.replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
    }
}
