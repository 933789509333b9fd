package dev.zdd.sandbox;

import java.util.Arrays;
import java.util.List;

/**
 * Where a request to the REST API goes, read from its raw path in either dialect: Tutum's
 * {@code /api/v1/RESOURCE/[ID/[OPERATION/]]} or Docker Cloud's
 * {@code /api/SUBSYSTEM/v1/[NAMESPACE/]RESOURCE/[ID/[OPERATION/]]}, and the API roots {@code /api/v1/} and
 * {@code /api/SUBSYSTEM/v1/[NAMESPACE/]}. Never throws for a path it can't read: that is {@link #unknown()}.
 *
 * @param dialect   the API spoken; null for a path of neither
 * @param subsystem Docker Cloud's subsystem ({@code app}, {@code infra}, {@code audit}); null on Tutum
 * @param resource  e.g. {@code service}; null for an API root
 * @param id        the object's uuid, or null for the list
 * @param operation e.g. {@code redeploy}, or null for the object itself
 */
record ApiPath(Dialect dialect, String subsystem, String resource, String id, String operation) {

    private static final List<String> SUBSYSTEMS = List.of("app", "infra", "audit", "repo");

    static ApiPath unknown() {
        return new ApiPath(null, null, null, null, null);
    }

    boolean isUnknown() {
        return dialect == null;
    }

    boolean isRoot() {
        return dialect != null && resource == null;
    }

    /**
     * @param user the sandbox's user, whose name is its one Docker Cloud namespace; null to accept any
     * @throws ApiException 404 for a Docker Cloud namespace other than the user's own
     */
    static ApiPath parse(String rawPath, String user) {
        if (rawPath == null || rawPath.length() < 2 || !rawPath.startsWith("/") || !rawPath.endsWith("/")
            || rawPath.contains("//")) {
            return unknown();
        }
        List<String> segments = Arrays.asList(rawPath.substring(1, rawPath.length() - 1).split("/"));
        if (segments.size() < 2 || !segments.get(0).equals("api")) {
            return unknown();
        }
        if (segments.get(1).equals("v1")) {
            return of(Dialect.tutum(), null, segments.subList(2, segments.size()));
        }
        if (segments.size() < 3 || !SUBSYSTEMS.contains(segments.get(1)) || !segments.get(2).equals("v1")) {
            return unknown();
        }
        String subsystem = segments.get(1);
        List<String> rest = segments.subList(3, segments.size());
        String namespace = user;
        if (!rest.isEmpty() && !subsystem.equals(Dialect.SUBSYSTEMS.get(rest.get(0)))) {
            namespace = rest.get(0);
            rest = rest.subList(1, rest.size());
            if (user != null && !namespace.equals(user)) {
                throw new ApiException(404, "No namespace '" + namespace + "': the sandbox's only namespace is its"
                                            + " user's own, '" + user + "'");
            }
        }
        if (!rest.isEmpty() && !subsystem.equals(Dialect.SUBSYSTEMS.get(rest.get(0)))) {
            return unknown();
        }
        return of(Dialect.dockerCloud(user), subsystem, rest);
    }

    private static ApiPath of(Dialect dialect, String subsystem, List<String> rest) {
        if (rest.size() > 3 || rest.stream().anyMatch(String::isEmpty)) {
            return unknown();
        }
        return new ApiPath(dialect, subsystem, rest.isEmpty() ? null : rest.get(0), rest.size() > 1 ? rest.get(1)
                : null, rest.size() > 2 ? rest.get(2) : null);
    }
}
