package dev.zdd.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.zdd.sandbox.Orchestrator.ActionInfo;
import dev.zdd.sandbox.Orchestrator.ContainerInfo;
import dev.zdd.sandbox.Orchestrator.ServiceInfo;
import dev.zdd.sandbox.Orchestrator.StackInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The subset of Tutum's REST API v1 that a redeploy client uses, over the {@link Orchestrator}: field names,
 * state strings, dates, the {@code meta}/{@code objects} list envelope, the {@code X-Tutum-Action-URI} header and the
 * {@code {"error": ...}} body as documented. Where the documentation is silent the choices are the sandbox's own and
 * are listed in the README.
 */
final class TutumApi implements HttpHandler {

    static final String PREFIX = "/api/v1/";
    static final String ACTION_HEADER = "X-Tutum-Action-URI";
    /** The sandbox's own addition: what it has seen, for measuring clients (see {@link SandboxStats}). */
    static final String STATS_PATH = "/sandbox/stats";
    static final int DEFAULT_LIMIT = 25;
    /** Tastypie's default {@code max_limit}; Tutum's own is not documented. */
    static final int MAX_LIMIT = 1000;

    private static final DateTimeFormatter DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss '+0000'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final int MAX_BODY_BYTES = 1 << 16;
    private static final Set<String> PAGING = Set.of("limit", "offset", "format");

    private final Orchestrator platform;
    private final byte[] expectedUser;
    private final byte[] expectedKey;
    private final URI serviceEndpoint;
    private final Clock clock;
    private final SandboxStats stats;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param serviceEndpoint what services publish as their endpoint (the load balancer), or null
     * @param stats           counts every request, and is served at {@value #STATS_PATH}
     */
    TutumApi(Orchestrator platform, String user, String apiKey, URI serviceEndpoint, Clock clock,
             SandboxStats stats) {
        this.platform = platform;
        this.clock = clock;
        this.stats = stats;
        this.expectedUser = user.getBytes(StandardCharsets.UTF_8);
        this.expectedKey = apiKey.getBytes(StandardCharsets.UTF_8);
        this.serviceEndpoint = serviceEndpoint;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Instant received = clock.instant();
            exchange.getRequestBody().readNBytes(MAX_BODY_BYTES); // action POSTs carry none, or {}
            Response response;
            try {
                response = route(exchange);
            } catch (ApiException e) {
                response = Response.error(e.status(), e.getMessage());
            } catch (RuntimeException e) {
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

    private record Response(int status, Object body, String actionUri) {
        static Response ok(Object body) {
            return new Response(200, body, null);
        }

        static Response error(int status, String message) {
            return new Response(status, Map.of("error", message), null);
        }
    }

    private Response route(HttpExchange exchange) {
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"zdd sandbox\"");
            throw new ApiException(401, "Authentication credentials were not provided or are not valid: "
                                        + "send Basic user:apikey");
        }
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        if (path.equals(STATS_PATH)) {
            requireMethod(exchange.getRequestMethod(), "GET");
            return Response.ok(stats.toJson());
        }
        if (!path.startsWith(PREFIX) || !path.endsWith("/")) {
            throw new ApiException(404, "Not found: " + path + " (the API's paths start with " + PREFIX
                                        + " and end with /)");
        }
        String[] parts = path.substring(PREFIX.length(), path.length() - 1).split("/");
        String method = exchange.getRequestMethod();
        Map<String, String> query = parseQuery(uri.getRawQuery());
        String resource = parts[0];
        boolean known = Set.of("service", "container", "stack", "action").contains(resource);
        if (!known || parts.length > 3) {
            throw new ApiException(404, "Not found: " + path);
        }
        if (parts.length == 3) {
            if (!parts[2].equals("redeploy") || !(resource.equals("service") || resource.equals("container"))) {
                throw new ApiException(404, "Not found: " + path);
            }
            requireMethod(method, "POST");
            checkOnly(query, Set.of("reuse_volumes"));
            String agent = exchange.getRequestHeaders().getFirst("User-Agent");
            return resource.equals("service") ? redeployService(parts[1], path, agent)
                    : redeployContainer(parts[1], path, agent);
        }
        requireMethod(method, "GET");
        if (parts.length == 2) {
            return Response.ok(one(resource, parts[1]));
        }
        return Response.ok(list(resource, path, query));
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiException(405, "Method " + method + " not allowed here; the sandbox serves " + allowed);
        }
    }

    // ---- redeploy

    private Response redeployService(String uuid, String path, String agent) {
        Orchestrator.Accepted<ServiceInfo> accepted = platform.redeployService(uuid, path, agent);
        return new Response(202, service(accepted.subject()), uri("action", accepted.action().uuid()));
    }

    private Response redeployContainer(String uuid, String path, String agent) {
        Orchestrator.Accepted<ContainerInfo> accepted = platform.redeployContainer(uuid, path, agent);
        return new Response(202, container(accepted.subject()), uri("action", accepted.action().uuid()));
    }

    // ---- reading

    private Map<String, Object> one(String resource, String uuid) {
        Optional<Map<String, Object>> found = switch (resource) {
            case "service" -> platform.service(uuid).map(this::service);
            case "container" -> platform.container(uuid).map(this::container);
            case "stack" -> platform.stack(uuid).map(this::stack);
            default -> platform.action(uuid).map(this::action);
        };
        return found.orElseThrow(() -> ApiException.notFound(resource + " " + uuid));
    }

    private Map<String, Object> list(String resource, String path, Map<String, String> query) {
        List<Map<String, Object>> all = switch (resource) {
            case "service" -> platform.services().stream().map(this::service).toList();
            case "container" -> platform.containers().stream().map(this::container).toList();
            case "stack" -> platform.stacks().stream().map(this::stack).toList();
            default -> platform.actions().stream().map(this::action).toList();
        };
        Map<String, BiPredicate<Map<String, Object>, String>> filters = filters(resource);
        checkOnly(query, filters.keySet());
        List<Map<String, Object>> matching = all.stream()
                .filter(object -> query.entrySet().stream()
                        .filter(e -> filters.containsKey(e.getKey()))
                        .allMatch(e -> filters.get(e.getKey()).test(object, e.getValue())))
                .toList();
        return page(matching, path, query);
    }

    /** The documented filters of each list, plus the undocumented ones the official SDK relies on. */
    private Map<String, BiPredicate<Map<String, Object>, String>> filters(String resource) {
        Map<String, BiPredicate<Map<String, Object>, String>> filters = new LinkedHashMap<>();
        filters.put("uuid", field("uuid"));
        filters.put("uuid__startswith", (o, v) -> String.valueOf(o.get("uuid")).startsWith(v));
        switch (resource) {
            case "service" -> {
                filters.put("name", field("name"));
                filters.put("state", field("state"));
                filters.put("stack", field("stack"));
                filters.put("stack__name", (o, v) -> v.equals(stackName(o.get("stack"))));
            }
            case "container" -> {
                filters.put("name", field("name"));
                filters.put("state", field("state"));
                filters.put("service", field("service"));
                filters.put("node", field("node"));
                filters.put("service__stack__name", (o, v) -> v.equals(platform.service(uuidOf(o.get("service")))
                        .map(s -> stackName(s.stackUuid() == null ? null : uri("stack", s.stackUuid())))
                        .orElse(null)));
            }
            case "stack" -> filters.put("name", field("name"));
            default -> {
                filters.put("state", field("state"));
                filters.put("object", field("object"));
                // Accepted for compatibility; the sandbox's actions have no related objects worth adding.
                filters.put("include_related", (o, v) -> true);
            }
        }
        return filters;
    }

    private static BiPredicate<Map<String, Object>, String> field(String name) {
        return (object, value) -> value.equals(object.get(name));
    }

    private String stackName(Object stackUri) {
        return stackUri == null ? null
                : platform.stack(uuidOf(stackUri)).map(StackInfo::name).orElse(null);
    }

    private static String uuidOf(Object resourceUri) {
        String[] parts = String.valueOf(resourceUri).split("/");
        return parts[parts.length - 1];
    }

    private static void checkOnly(Map<String, String> query, Set<String> allowed) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name) && !PAGING.contains(name)) {
                throw new ApiException(400, "The '" + name + "' field does not allow filtering.");
            }
        }
    }

    /** Tastypie-style paging: {@code meta.next} and {@code previous} are host-relative paths with the query. */
    private static Map<String, Object> page(List<Map<String, Object>> all, String path, Map<String, String> query) {
        int limit = number(query, "limit", DEFAULT_LIMIT);
        int offset = number(query, "offset", 0);
        if (limit == 0 || limit > MAX_LIMIT) {
            limit = MAX_LIMIT;
        }
        int from = Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("limit", limit);
        meta.put("next", to < all.size() ? link(path, query, limit, offset + limit) : null);
        meta.put("offset", offset);
        meta.put("previous", offset > 0 ? link(path, query, limit, Math.max(0, offset - limit)) : null);
        meta.put("total_count", all.size());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("meta", meta);
        envelope.put("objects", all.subList(from, to));
        return envelope;
    }

    private static int number(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < 0) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "Invalid " + name + " '" + value + "' provided. Please provide a "
                                        + "positive integer.");
        }
    }

    private static String link(String path, Map<String, String> query, int limit, int offset) {
        Map<String, String> next = new LinkedHashMap<>(query);
        next.remove("limit");
        next.remove("offset");
        next.put("limit", Integer.toString(limit));
        next.put("offset", Integer.toString(offset));
        List<String> pairs = new ArrayList<>();
        next.forEach((k, v) -> pairs.add(encode(k) + "=" + encode(v)));
        return path + "?" + String.join("&", pairs);
    }

    // ---- representations

    private Map<String, Object> service(ServiceInfo s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", s.uuid());
        o.put("resource_uri", uri("service", s.uuid()));
        o.put("name", s.name());
        o.put("nickname", s.name());
        o.put("image_name", "zdd/sandbox-app:latest");
        o.put("state", s.state().label());
        o.put("synchronized", true);
        o.put("stack", s.stackUuid() == null ? null : uri("stack", s.stackUuid()));
        o.put("containers", s.containerUuids().stream().map(uuid -> uri("container", uuid)).toList());
        o.put("container_ports", serviceEndpoint == null ? List.of()
                : List.of(port(serviceEndpoint.getPort(), serviceEndpoint.toString())));
        o.put("target_num_containers", s.target());
        o.put("current_num_containers", s.current());
        o.put("running_num_containers", s.running());
        o.put("stopped_num_containers", s.stopped());
        o.put("deployment_strategy", "EMPTIEST_NODE");
        o.put("sequential_deployment", true);
        o.put("autorestart", "OFF");
        o.put("autodestroy", "OFF");
        o.put("autoredeploy", false);
        o.put("deployed_datetime", date(s.deployed()));
        o.put("started_datetime", date(s.deployed()));
        o.put("stopped_datetime", null);
        o.put("destroyed_datetime", null);
        return o;
    }

    private Map<String, Object> container(ContainerInfo c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", c.uuid());
        o.put("resource_uri", uri("container", c.uuid()));
        o.put("name", c.name());
        o.put("service", uri("service", c.serviceUuid()));
        o.put("node", null);
        o.put("image_name", "zdd/sandbox-app:latest");
        o.put("state", c.state().label());
        o.put("synchronized", true);
        o.put("exit_code", c.exitCode());
        o.put("exit_code_msg", c.exitMessage());
        o.put("private_ip", "127.0.0.1");
        o.put("public_dns", "127.0.0.1");
        o.put("container_ports", List.of(port(c.port(), "http://127.0.0.1:" + c.port() + "/")));
        o.put("deployed_datetime", date(c.deployed()));
        o.put("started_datetime", date(c.started()));
        o.put("stopped_datetime", date(c.stopped()));
        o.put("destroyed_datetime", date(c.destroyed()));
        return o;
    }

    private static Map<String, Object> port(int outerPort, String endpoint) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("protocol", "tcp");
        o.put("inner_port", 80);
        o.put("outer_port", outerPort);
        o.put("port_name", "http");
        o.put("uri_protocol", "http");
        o.put("endpoint_uri", endpoint);
        o.put("published", true);
        return o;
    }

    private Map<String, Object> stack(StackInfo s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", s.uuid());
        o.put("resource_uri", uri("stack", s.uuid()));
        o.put("name", s.name());
        o.put("nickname", s.name());
        o.put("state", s.state().label());
        o.put("synchronized", true);
        o.put("services", s.serviceUuids().stream().map(uuid -> uri("service", uuid)).toList());
        o.put("deployed_datetime", null);
        o.put("destroyed_datetime", null);
        return o;
    }

    private Map<String, Object> action(ActionInfo a) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", a.uuid());
        o.put("resource_uri", uri("action", a.uuid()));
        o.put("object", uri(a.object().type(), a.object().uuid()));
        o.put("action", a.name());
        o.put("method", a.method());
        o.put("path", a.path());
        o.put("user_agent", a.userAgent() == null ? "" : a.userAgent());
        o.put("start_date", date(a.start()));
        o.put("end_date", date(a.end()));
        o.put("state", a.state().label());
        o.put("ip", "127.0.0.1");
        o.put("location", "zdd sandbox");
        o.put("body", "");
        o.put("is_user_action", true);
        o.put("can_be_canceled", false);
        o.put("can_be_retried", false);
        return o;
    }

    static String uri(String type, String uuid) {
        return PREFIX + type + "/" + uuid + "/";
    }

    private static String date(Instant instant) {
        return instant == null ? null : DATE.format(instant);
    }

    // ---- plumbing

    /** Where this API's requests, and the events stream's connections, are counted. */
    SandboxStats stats() {
        return stats;
    }

    /** Whether an {@code Authorization} header value carries the sandbox's user and key. */
    boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        String credentials;
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                credentials = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
        } else if (header.regionMatches(true, 0, "ApiKey ", 0, 7)) {
            credentials = header.substring(7).trim(); // Tutum's pre-2015-12 scheme, still accepted then
        } else {
            return false;
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Both compared in constant time, so that the answer's timing tells nothing about the key.
        boolean user = MessageDigest.isEqual(expectedUser,
                credentials.substring(0, colon).getBytes(StandardCharsets.UTF_8));
        boolean key = MessageDigest.isEqual(expectedKey,
                credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        return user & key;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            query.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(response.body());
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write JSON", e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (response.actionUri() != null) {
            exchange.getResponseHeaders().set(ACTION_HEADER, response.actionUri());
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
