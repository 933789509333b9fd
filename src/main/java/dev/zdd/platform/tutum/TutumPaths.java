package dev.zdd.platform.tutum;

import dev.zdd.platform.PlatformException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Where each resource lives, on Tutum ({@code /api/v1/...}) and on Docker Cloud ({@code /api/app/v1/[ns/]...},
 * actions at {@code /api/audit/v1/action/}). Every path ends in {@code /}, as the API wants.
 */
final class TutumPaths {

    /** What the API issues as an object's id: nothing else becomes a path segment. */
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A Docker ID (user or organisation) as Docker Hub allows it; never '.', '..' or anything with a '/'. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");

    private final HttpUrl base;
    private final List<String> app;
    private final List<String> actions;
    private final List<String> events;

    /**
     * @param base      the API URL, without credentials, query or fragment; its path is kept as a prefix so that
     *                  an API behind a reverse proxy at {@code https://host/tutum/} works
     * @param namespace Docker Cloud namespace, or null for the user's own
     */
    TutumPaths(TutumConfig.Flavor flavor, HttpUrl base, String namespace) {
        this.base = base;
        if (namespace != null && !namespace.isBlank() && !NAMESPACE.matcher(namespace.strip()).matches()) {
            throw PlatformException.configuration("the Docker Cloud namespace '" + namespace.strip() + "' is not a"
                    + " Docker ID: letters, digits, '-' and '_', starting with a letter or digit");
        }
        if (flavor == TutumConfig.Flavor.TUTUM) {
            this.app = List.of("api", "v1");
            this.actions = List.of("api", "v1", "action");
            this.events = List.of("v1", "events");
        } else {
            List<String> segments = new ArrayList<>(List.of("api", "app", "v1"));
            if (namespace != null && !namespace.isBlank()) {
                segments.add(namespace.trim());
            }
            this.app = List.copyOf(segments);
            // Actions are not namespaced on Docker Cloud; events are.
            this.actions = List.of("api", "audit", "v1", "action");
            List<String> audit = new ArrayList<>(List.of("api", "audit", "v1"));
            if (namespace != null && !namespace.isBlank()) {
                audit.add(namespace.trim());
            }
            audit.addAll(List.of("events", ""));
            this.events = List.copyOf(audit);
        }
    }

    HttpUrl services() {
        return app("service").build();
    }

    HttpUrl service(String uuid) {
        return app("service", uuid(uuid)).build();
    }

    HttpUrl redeployService(String uuid, boolean reuseVolumes) {
        return redeploy(app("service", uuid(uuid), "redeploy"), reuseVolumes);
    }

    /** Containers of one service, which the API filters by the service's resource URI. */
    HttpUrl containers(String serviceUri) {
        return app("container").addQueryParameter("service", serviceUri).build();
    }

    HttpUrl container(String uuid) {
        return app("container", uuid(uuid)).build();
    }

    HttpUrl redeployContainer(String uuid, boolean reuseVolumes) {
        return redeploy(app("container", uuid(uuid), "redeploy"), reuseVolumes);
    }

    HttpUrl stacks() {
        return app("stack").build();
    }

    HttpUrl action(String uuid) {
        return path(actions, uuid(uuid)).build();
    }

    /** The actions on one object (the API keeps its 100 newest), which the API filters by the object's URI. */
    HttpUrl actionsOn(String objectUri) {
        return path(actions).addQueryParameter("object", objectUri).build();
    }

    /**
     * Every action of the account in one state, e.g. {@code In progress}: a short list, since few actions run at
     * once (the API can't filter by object and state together).
     */
    HttpUrl actionsInState(String state) {
        return path(actions).addQueryParameter("state", state).build();
    }

    /**
     * The events stream on {@code streamBase} (as {@code http} or {@code https}, which OkHttp upgrades): Tutum's
     * {@code /v1/events} (the Python SDK's spelling, without a slash) or Docker Cloud's
     * {@code /api/audit/v1/[ns/]events/}.
     */
    HttpUrl events(HttpUrl streamBase) {
        HttpUrl.Builder builder = streamBase.newBuilder();
        List<String> prefix = streamBase.pathSegments();
        if (!prefix.isEmpty() && prefix.get(prefix.size() - 1).isEmpty()) {
            builder.removePathSegment(prefix.size() - 1);
        }
        events.forEach(builder::addPathSegment);
        return builder.build();
    }

    /**
     * The root of the API's host: resource URIs and {@code meta.next} in answers are paths relative to it
     * ({@code /api/v1/...}), whatever prefix the API URL carries.
     */
    HttpUrl root() {
        return base.resolve("/");
    }

    /** The base URL for messages (never carries credentials), without its trailing slash. */
    String display() {
        String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** The path and query of a URL, for logs and messages: never the scheme, host or credentials. */
    static String pathOf(HttpUrl url) {
        String query = url.encodedQuery();
        return url.encodedPath() + (query == null ? "" : "?" + query);
    }

    static boolean isUuid(String text) {
        return text != null && UUID.matcher(text).matches();
    }

    /**
     * The id as a path segment, or a DECODE failure: an id comes from the API's own answers, and one that is not a
     * uuid ({@code ..}, {@code a/b}) would reach another resource than the one named.
     */
    private static String uuid(String id) {
        if (!isUuid(id)) {
            throw PlatformException.decode(null, null, 0, "the API named an object '" + id + "', which is not a uuid;"
                    + " zdd builds no request from it", null);
        }
        return id;
    }

    /** The uuid at the end of a resource URI such as {@code /api/v1/service/<uuid>/}, or null. */
    static String uuidOf(String resourceUri) {
        if (resourceUri == null) {
            return null;
        }
        String trimmed = resourceUri.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return last.isEmpty() ? null : last;
    }

    private static HttpUrl redeploy(HttpUrl.Builder builder, boolean reuseVolumes) {
        // The API's default is to reuse volumes; only the exception is spelled out, as the Go SDK did.
        if (!reuseVolumes) {
            builder.addQueryParameter("reuse_volumes", "false");
        }
        return builder.build();
    }

    private HttpUrl.Builder app(String... segments) {
        return path(app, segments);
    }

    private HttpUrl.Builder path(List<String> prefix, String... segments) {
        HttpUrl.Builder builder = base.newBuilder();
        prefix.forEach(builder::addPathSegment);
        // addPathSegment percent-encodes '/', '?' and '#', so an id or namespace cannot add a query or segments.
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        return builder.addPathSegment("");
    }
}
