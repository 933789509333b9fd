package dev.zdd.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.zdd.sandbox.Orchestrator.Accepted;
import dev.zdd.sandbox.Orchestrator.Call;
import dev.zdd.sandbox.Orchestrator.ContainerInfo;
import dev.zdd.sandbox.Orchestrator.ObjectRef;
import dev.zdd.sandbox.Orchestrator.ServiceInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Tutum's REST API v1, and Docker Cloud's, over the {@link Orchestrator}: services, containers, stacks, actions, the
 * one node and node cluster, the API roots and the user's API keys. Field names, state strings, dates, the
 * {@code meta}/{@code objects} list envelope with Tastypie's paging and filters, the action header and the
 * {@code {"error": ...}} body are as documented. An operation the API has but the sandbox does not perform answers
 * 501 naming it; no request answers 500. Where the documentation is silent the choices are the sandbox's own and
 * are listed in docs/sandbox.md.
 */
final class TutumApi implements HttpHandler {

    /** The sandbox's own addition: what it has seen, for measuring clients (see {@link SandboxStats}). */
    static final String STATS_PATH = "/sandbox/stats";
    /** The sandbox's own registry: {@code GET} lists each tag's current image, {@code POST} pushes a new one. */
    static final String IMAGES_PATH = "/sandbox/images";
    /** Where python-dockercloud checks credentials: the host's root, not the API's. */
    static final String DOCKERCLOUD_AUTH_PATH = "/auth/";
    static final int DEFAULT_LIMIT = 25;
    /** Tastypie's default {@code max_limit}; Tutum's own is not documented. */
    static final int MAX_LIMIT = 1000;

    private static final int MAX_BODY_BYTES = 1 << 16;
    private static final int MAX_RECORDED_BODY = 4096;
    private static final long MAX_DRAINED_BYTES = 16L << 20;
    /** Query parameters of the framework, never filters: Tastypie's paging and format, and ordering. */
    private static final Set<String> NOT_FILTERS = Set.of("limit", "offset", "format", "order_by", "include_related");

    private final Orchestrator platform;
    private final Credentials credentials;
    private final Representations representations;
    private final Clock clock;
    private final SandboxStats stats;
    private final ImageRegistry registry;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Resource> resources = new LinkedHashMap<>();

    TutumApi(Orchestrator platform, Credentials credentials, Representations representations, Clock clock,
             SandboxStats stats, ImageRegistry registry) {
        this.platform = platform;
        this.registry = registry;
        this.credentials = credentials;
        this.representations = representations;
        this.clock = clock;
        this.stats = stats;
        defineResources();
    }

    // ---- what each resource serves

    /** One performed operation on an object, e.g. a service's redeploy. */
    @FunctionalInterface
    private interface Performer {
        Response perform(String uuid, Call call, Dialect dialect);
    }

    /**
     * An operation of the API on an existing object ({@code POST .../redeploy/}); {@code method} null for any
     * method, {@code performer} null for one the sandbox does not perform (501).
     */
    private record Operation(String method, String name, Performer performer) {
    }

    private record Resource(String type,
                            Function<Dialect, List<Map<String, Object>>> list,
                            BiFunction<String, Dialect, Optional<Map<String, Object>>> get,
                            Map<String, Filters.Filter> filters,
                            Map<String, Operation> operations,
                            boolean creatable,
                            boolean updatable) {
    }

    private void defineResources() {
        Filters f = new Filters(platform);
        Representations r = representations;
        add(new Resource("service",
                d -> platform.services().stream().map(s -> r.service(s, d)).toList(),
                (uuid, d) -> platform.service(uuid).map(s -> r.service(s, d)),
                f.services(),
                operations(
                        new Operation("POST", "redeploy", (uuid, call, d) -> accepted(
                                platform.redeployService(uuid, call), r::service, d)),
                        new Operation("POST", "start", (uuid, call, d) -> accepted(
                                platform.startService(uuid, call), r::service, d)),
                        new Operation("POST", "stop", (uuid, call, d) -> accepted(
                                platform.stopService(uuid, call), r::service, d)),
                        new Operation("POST", "scale", null),
                        new Operation(null, "logs", null)),
                true, true));
        add(new Resource("container",
                d -> platform.containers().stream().map(c -> r.container(c, d)).toList(),
                (uuid, d) -> platform.container(uuid).map(c -> r.container(c, d)),
                f.containers(),
                operations(
                        new Operation("POST", "redeploy", (uuid, call, d) -> accepted(
                                platform.redeployContainer(uuid, call), r::container, d)),
                        new Operation("POST", "start", (uuid, call, d) -> accepted(
                                platform.startContainer(uuid, call), r::container, d)),
                        new Operation("POST", "stop", (uuid, call, d) -> accepted(
                                platform.stopContainer(uuid, call), r::container, d)),
                        new Operation(null, "logs", null),
                        new Operation(null, "exec", null)),
                false, false));
        add(new Resource("stack",
                d -> platform.stacks().stream().map(s -> r.stack(s, d)).toList(),
                (uuid, d) -> platform.stack(uuid).map(s -> r.stack(s, d)),
                f.stacks(),
                operations(
                        new Operation("POST", "start", null),
                        new Operation("POST", "stop", null),
                        new Operation("POST", "redeploy", null),
                        new Operation("GET", "export", null)),
                true, true));
        add(new Resource("action",
                d -> platform.actions().stream().map(a -> r.action(a, d)).toList(),
                (uuid, d) -> platform.action(uuid).map(a -> r.action(a, d)),
                f.actions(),
                operations(
                        new Operation("POST", "cancel", null),
                        new Operation("POST", "retry", null),
                        new Operation(null, "logs", null)),
                false, false));
        add(new Resource("node",
                d -> List.of(r.node(d)),
                (uuid, d) -> uuid.equals(platform.node().uuid()) ? Optional.of(r.node(d)) : Optional.empty(),
                f.nodes(),
                operations(
                        new Operation("POST", "deploy", null),
                        new Operation("POST", "docker-upgrade", null),
                        new Operation("POST", "health-check", null)),
                false, true));
        add(new Resource("nodecluster",
                d -> List.of(r.nodeCluster(d)),
                (uuid, d) -> uuid.equals(platform.node().clusterUuid()) ? Optional.of(r.nodeCluster(d))
                        : Optional.empty(),
                f.nodeClusters(),
                operations(
                        new Operation("POST", "deploy", null),
                        new Operation("POST", "docker-upgrade", null)),
                true, true));
    }

    private void add(Resource resource) {
        resources.put(resource.type(), resource);
    }

    private static Map<String, Operation> operations(Operation... operations) {
        Map<String, Operation> byName = new LinkedHashMap<>();
        for (Operation operation : operations) {
            byName.put(operation.name(), operation);
        }
        return byName;
    }

    private static <T> Response accepted(Accepted<T> accepted, BiFunction<T, Dialect, Map<String, Object>> render,
                                         Dialect dialect) {
        return new Response(202, render.apply(accepted.subject(), dialect),
                Map.of(dialect.actionHeader(), dialect.uri("action", accepted.action().uuid())));
    }

    // ---- handling a request

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Instant received = clock.instant();
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES);
            // The rest is read too (up to a bound), so that the client, still sending, gets the answer rather than a
            // connection reset.
            drain(exchange);
            Response response;
            try {
                response = route(exchange, body);
            } catch (ApiException e) {
                response = new Response(e.status(), Map.of("error", e.getMessage()),
                        e.allow() == null ? Map.of() : Map.of("Allow", e.allow()));
            } catch (RuntimeException e) {
                // A bug, should there be one: still an answer in Tutum's shape, never a dropped connection.
                response = Response.error(500, "sandbox error: " + e);
            }
            URI uri = exchange.getRequestURI();
            if (!uri.getRawPath().equals(STATS_PATH)) {
                stats.record(received, exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                        exchange.getRequestHeaders().getFirst("User-Agent"), response.status());
            }
            send(exchange, response);
        }
    }

    private record Response(int status, Object body, Map<String, String> headers) {
        static Response ok(Object body) {
            return new Response(200, body, Map.of());
        }

        static Response error(int status, String message) {
            return new Response(status, Map.of("error", message), Map.of());
        }
    }

    private Response route(HttpExchange exchange, byte[] body) {
        if (!credentials.accept(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return new Response(401, Map.of("error", "Authentication credentials were not provided or are not"
                                                     + " valid: send Basic user:apikey"),
                    Map.of("WWW-Authenticate", "Basic realm=\"zdd sandbox\""));
        }
        String method = exchange.getRequestMethod().equals("HEAD") ? "GET" : exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        Map<String, String> query = parseQuery(uri.getRawQuery());
        if (path.equals(STATS_PATH)) {
            requireMethod(method, "GET");
            return Response.ok(stats.toJson());
        }
        if (path.equals(IMAGES_PATH)) {
            return images(method, body);
        }
        if (path.equals(DOCKERCLOUD_AUTH_PATH)) {
            requireMethod(method, "GET");
            return Response.ok(apiKeys());
        }
        ApiPath to = ApiPath.parse(path, credentials.user());
        if (to.isUnknown()) {
            throw new ApiException(404, "Not found: " + path + " (the API's paths are /api/v1/RESOURCE/... or"
                                        + " /api/SUBSYSTEM/v1/[NAMESPACE/]RESOURCE/..., and end with /)");
        }
        Dialect dialect = to.dialect();
        if (to.isRoot()) {
            requireMethod(method, "GET");
            return Response.ok(root(dialect, to.subsystem()));
        }
        if (!dialect.dockerCloud() && to.resource().equals("auth") && to.id() == null) {
            requireMethod(method, "GET");
            return Response.ok(apiKeys());
        }
        Resource resource = resources.get(to.resource());
        if (resource == null) {
            throw new ApiException(404, "Not found: " + path + " (the sandbox serves " + String.join(", ",
                    resources.keySet()) + ")");
        }
        if (to.id() == null) {
            if (method.equals("POST") && resource.creatable()) {
                throw unsupported("create a " + resource.type(), "POST", path);
            }
            requireMethod(method, "GET");
            return Response.ok(list(resource, dialect, path, query));
        }
        Optional<Map<String, Object>> object = resource.get().apply(to.id(), dialect);
        if (object.isEmpty()) {
            throw ApiException.notFound(resource.type() + " " + to.id());
        }
        if (to.operation() == null) {
            switch (method) {
                case "GET" -> {
                    return Response.ok(object.get());
                }
                case "DELETE" -> throw unsupported(resource.type() + " terminate", method, path);
                case "PATCH", "PUT" -> {
                    if (method.equals("PATCH") && resource.type().equals("service")) {
                        return Response.ok(representations.service(platform.setImage(to.id(), imageOf(body)),
                                dialect));
                    }
                    if (resource.updatable()) {
                        throw unsupported(resource.type() + " update", method, path);
                    }
                    throw methodNotAllowed(method, "GET" + (resource.type().equals("container") ? ", DELETE" : ""));
                }
                default -> throw methodNotAllowed(method, "GET, DELETE" + (resource.updatable() ? ", PATCH" : ""));
            }
        }
        Operation operation = resource.operations().get(to.operation());
        if (operation == null) {
            throw new ApiException(404, "Not found: " + path + " (a " + resource.type() + " has no operation '"
                                        + to.operation() + "')");
        }
        if (operation.method() != null) {
            requireMethod(method, operation.method());
        }
        if (operation.performer() == null) {
            throw unsupported(resource.type() + " " + operation.name(), exchange.getRequestMethod(), path);
        }
        Call call = new Call(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("User-Agent"),
                recorded(body), remoteAddress(exchange));
        return operation.performer().perform(to.id(), call, dialect);
    }

    /**
     * The {@code image} of a service's PATCH body, as {@code tutum service set --image} sent it; the sandbox updates
     * nothing else of a service.
     */
    private String imageOf(byte[] body) {
        JsonNode patch = readJson(body);
        Iterator<String> fields = patch.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!field.equals("image")) {
                throw new ApiException(501, "The sandbox does not update a service's '" + field + "': it updates"
                                            + " only its image");
            }
        }
        if (!patch.path("image").isTextual()) {
            throw new ApiException(400, "Send {\"image\": \"repository:tag\"}");
        }
        return patch.path("image").asText();
    }

    /** {@code GET /sandbox/images}: each tag's current image; {@code POST}: a new image pushed to a tag. */
    private Response images(String method, byte[] body) {
        if (method.equals("GET")) {
            return Response.ok(Map.of("images", registry.current().stream().map(this::pushed).toList()));
        }
        requireMethod(method, "POST");
        JsonNode request = readJson(body);
        if (!request.path("image").isTextual()) {
            throw new ApiException(400, "Send {\"image\": \"repository:tag\"}: the tag to push a new image to");
        }
        try {
            return new Response(201, pushed(registry.push(request.path("image").asText())), Map.of());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "Invalid image '" + request.path("image").asText() + "': "
                                        + e.getMessage());
        }
    }

    private Map<String, Object> pushed(ImageRegistry.Pushed pushed) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("image", pushed.image());
        o.put("digest", pushed.digest());
        o.put("version", pushed.version());
        o.put("pushed", Representations.date(pushed.pushed()));
        return o;
    }

    private JsonNode readJson(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // said below
        }
        throw new ApiException(400, "The body must be a JSON object");
    }

    private static ApiException unsupported(String operation, String method, String path) {
        return new ApiException(501, "The sandbox does not perform " + operation + " (" + method + " " + path
                                     + "): it performs service and container redeploy, start and stop");
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method, allowed);
        }
    }

    private static ApiException methodNotAllowed(String method, String allowed) {
        return new ApiException(405, "Method " + method + " not allowed here; allowed: " + allowed, allowed);
    }

    // ---- reading

    /** Tastypie's top level: each resource's list endpoint, by name. */
    private Map<String, Object> root(Dialect dialect, String subsystem) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!dialect.dockerCloud()) {
            root.put("auth", Map.of("list_endpoint", Dialect.TUTUM_PREFIX + "auth/"));
        }
        for (String type : resources.keySet()) {
            if (subsystem == null || subsystem.equals(Dialect.SUBSYSTEMS.get(type))) {
                root.put(type, Map.of("list_endpoint", dialect.list(type)));
            }
        }
        return root;
    }

    /** What {@code GET /api/v1/auth/} answered before December 2015: the user's API keys. */
    private Map<String, Object> apiKeys() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("key", credentials.apiKey());
        key.put("username", credentials.user());
        return Filters.page(List.of(key), Dialect.TUTUM_PREFIX + "auth/", Map.of());
    }

    private Map<String, Object> list(Resource resource, Dialect dialect, String path, Map<String, String> query) {
        List<Map<String, Object>> all = resource.list().apply(dialect);
        Set<String> fields = all.isEmpty() ? Set.of() : all.get(0).keySet();
        Map<String, Filters.Filter> applied = new LinkedHashMap<>();
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            String name = parameter.getKey();
            Filters.Filter filter = resource.filters().get(name);
            if (filter != null) {
                applied.put(name, filter);
            } else if (!NOT_FILTERS.contains(name)) {
                Filters.refuseFieldWithoutFilter(name, fields, resource.filters().keySet());
                // Any other name is not a field: ignored, as Tastypie did.
            }
        }
        if (resource.type().equals("action") && query.containsKey("object")
            && Filters.isTrue("include_related", query.get("include_related"))) {
            applied.put("object", filters().related(Dialect.refOf(query.get("object"))));
        }
        List<Map<String, Object>> matching = all.stream()
                .filter(object -> applied.entrySet().stream()
                        .allMatch(e -> e.getValue().test(object, query.get(e.getKey()))))
                .toList();
        return Filters.page(matching, path, query);
    }

    private Filters filters() {
        return new Filters(platform);
    }

    // ---- plumbing

    /** Where this API's requests, and the events stream's connections, are counted. */
    SandboxStats stats() {
        return stats;
    }

    private static void drain(HttpExchange exchange) {
        try {
            byte[] chunk = new byte[8192];
            long left = MAX_DRAINED_BYTES;
            int n;
            while (left > 0 && (n = exchange.getRequestBody().read(chunk, 0, (int) Math.min(chunk.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending: nothing more to read
        }
    }

    private static String recorded(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > MAX_RECORDED_BODY ? text.substring(0, MAX_RECORDED_BODY) : text;
    }

    private static String remoteAddress(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? Representations.HOST
                : remote.getAddress().getHostAddress();
    }

    /** The query's parameters, decoded; the last of a repeated one wins. A broken encoding is a 400. */
    static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                query.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "The query string is not URL-encoded: " + e.getMessage());
            }
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(response.body());
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write JSON", e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(response.status(), -1); // the headers of the GET, no body
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Which related objects' actions {@code include_related} adds, per Tutum's table of relationships. */
    static Set<ObjectRef> relatedTo(Orchestrator platform, ObjectRef object) {
        Set<ObjectRef> related = new LinkedHashSet<>();
        if (object == null) {
            return related;
        }
        related.add(object);
        switch (object.type()) {
            case "service" -> platform.service(object.uuid()).ifPresent(s -> addService(platform, s, related));
            case "container" -> platform.container(object.uuid()).ifPresent(c -> {
                related.add(new ObjectRef("service", c.serviceUuid()));
                platform.service(c.serviceUuid()).map(ServiceInfo::stackUuid)
                        .ifPresent(stack -> related.add(new ObjectRef("stack", stack)));
            });
            case "stack" -> platform.stack(object.uuid()).ifPresent(stack -> stack.serviceUuids()
                    .forEach(uuid -> platform.service(uuid).ifPresent(s -> addService(platform, s, related))));
            case "node" -> related.add(new ObjectRef("nodecluster", platform.node().clusterUuid()));
            case "nodecluster" -> related.add(new ObjectRef("node", platform.node().uuid()));
            default -> {
            }
        }
        return related;
    }

    private static void addService(Orchestrator platform, ServiceInfo service, Set<ObjectRef> related) {
        related.add(new ObjectRef("service", service.uuid()));
        if (service.stackUuid() != null) {
            related.add(new ObjectRef("stack", service.stackUuid()));
        }
        platform.containersEver(service.uuid()).stream().map(ContainerInfo::uuid)
                .forEach(uuid -> related.add(new ObjectRef("container", uuid)));
    }
}
