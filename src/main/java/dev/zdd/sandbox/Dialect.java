package dev.zdd.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which of the two APIs a request spoke, Tutum's or Docker Cloud's, and so how the resource URIs in its answer are
 * spelled: Tutum's {@code /api/v1/service/<uuid>/}, Docker Cloud's {@code /api/app/v1/<namespace>/service/<uuid>/}
 * (nodes under {@code infra}, actions under {@code audit} and not namespaced).
 *
 * @param namespace Docker Cloud's namespace, the user's own; null on Tutum
 */
record Dialect(boolean dockerCloud, String namespace) {

    static final String TUTUM_PREFIX = "/api/v1/";

    /**
     * The Docker Cloud subsystem of each resource the sandbox serves, in the order an API root lists them. A new
     * resource (an image registry, say) is served in both dialects once it is named here and in {@link TutumApi}.
     */
    static final Map<String, String> SUBSYSTEMS;

    /** Docker Cloud resources whose URIs carry no namespace. */
    private static final Set<String> NOT_NAMESPACED = Set.of("action");

    static {
        Map<String, String> subsystems = new LinkedHashMap<>();
        subsystems.put("action", "audit");
        subsystems.put("container", "app");
        subsystems.put("node", "infra");
        subsystems.put("nodecluster", "infra");
        subsystems.put("service", "app");
        subsystems.put("stack", "app");
        SUBSYSTEMS = java.util.Collections.unmodifiableMap(subsystems);
    }

    static Dialect tutum() {
        return new Dialect(false, null);
    }

    static Dialect dockerCloud(String namespace) {
        return new Dialect(true, namespace);
    }

    /** An object's resource URI, e.g. {@code /api/v1/service/<uuid>/}. */
    String uri(String type, String uuid) {
        return list(type) + uuid + "/";
    }

    /** A resource's list endpoint, e.g. {@code /api/app/v1/sandbox/service/}. */
    String list(String type) {
        if (!dockerCloud) {
            return TUTUM_PREFIX + type + "/";
        }
        String subsystem = SUBSYSTEMS.getOrDefault(type, "app");
        return "/api/" + subsystem + "/v1/" + (NOT_NAMESPACED.contains(type) ? "" : namespace + "/") + type + "/";
    }

    /** The header that names the action a request started. */
    String actionHeader() {
        return dockerCloud ? "X-DockerCloud-Action-URI" : "X-Tutum-Action-URI";
    }

    /** The suffix of a service's link variable holding its absolute API URL. */
    String apiUrlVariable() {
        return dockerCloud ? "_DOCKERCLOUD_API_URL" : "_TUTUM_API_URL";
    }

    /**
     * The type and uuid a resource URI names, in either dialect, with or without a namespace: the last two
     * segments. Null when it has fewer.
     */
    static Orchestrator.ObjectRef refOf(Object resourceUri) {
        if (resourceUri == null) {
            return null;
        }
        String[] parts = resourceUri.toString().split("/");
        int last = parts.length - 1;
        while (last >= 0 && parts[last].isEmpty()) {
            last--;
        }
        return last < 1 || parts[last - 1].isEmpty() ? null : new Orchestrator.ObjectRef(parts[last - 1],
                parts[last]);
    }
}
