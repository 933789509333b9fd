package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 4 of issue 17: {@code GET /api/v1/} answers as Tastypie's API root did (each resource's list endpoint), and
 * no request, however odd, gets a 5xx other than the documented 501 for an operation the sandbox does not perform.
 */
@Timeout(120)
class ApiRootAndFuzzTest {

    /** Bounded, and seeded: a failure names the request, and the same run repeats it. */
    private static final int REQUESTS = 300;
    private static final long SEED = 17;
    private static final Set<Integer> DOCUMENTED = Set.of(200, 202, 400, 401, 404, 405, 409, 501);

    private Sandbox sandbox;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web-1", "api.shop")).containersPerService(2)
                .bootTime(Duration.ofMillis(5)).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void theApiRootListsEachResourcesListEndpoint_andEachOneAnswers() {
        ApiClient.Answer root = api.get("/api/v1/");

        assertThat(root.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        root.json().fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("service", "container", "stack", "action", "node", "nodecluster", "auth");
        for (String name : names) {
            String endpoint = root.json().path(name).path("list_endpoint").asText();
            assertThat(endpoint).isEqualTo("/api/v1/" + name + "/");
            assertThat(api.get(endpoint).status()).as(endpoint).isEqualTo(200);
        }
        JsonNode app = api.get("/api/app/v1/").json();
        assertThat(app.path("service").path("list_endpoint").asText()).isEqualTo("/api/app/v1/sandbox/service/");
        assertThat(app.has("node")).isFalse();
        assertThat(api.get("/api/infra/v1/sandbox/").json().path("node").path("list_endpoint").asText())
                .isEqualTo("/api/infra/v1/sandbox/node/");
        assertThat(api.get("/api/audit/v1/").json().path("action").path("list_endpoint").asText())
                .isEqualTo("/api/audit/v1/action/");
        assertThat(api.send("POST", "/api/v1/").status()).isEqualTo(405);
    }

    @Test
    void noRequestGetsA5xxOtherThanTheDocumented501() {
        Random random = new Random(SEED);
        List<String> uuids = new ArrayList<>(List.of("00000000-0000-4000-8000-000000000000", "nope", "%zz", "..",
                "é", "x".repeat(300)));
        api.get("/api/v1/service/").json().path("objects").forEach(s -> uuids.add(s.path("uuid").asText()));
        api.get("/api/v1/container/").json().path("objects").forEach(c -> uuids.add(c.path("uuid").asText()));
        uuids.add(api.get("/api/v1/node/").json().path("objects").get(0).path("uuid").asText());
        uuids.add(api.get("/api/v1/stack/").json().path("objects").get(0).path("uuid").asText());
        List<String> prefixes = List.of("/api/v1/", "/api/app/v1/", "/api/app/v1/sandbox/", "/api/app/v1/other/",
                "/api/infra/v1/", "/api/audit/v1/", "/api/audit/v1/sandbox/", "/api/repo/v1/", "/api/", "/",
                "/api/v2/", "/sandbox/", "/auth/");
        List<String> resources = List.of("service", "container", "stack", "action", "node", "nodecluster", "auth",
                "image", "events", "", "service/schema", "%2F");
        List<String> operations = List.of("", "redeploy/", "start/", "stop/", "scale/", "logs/", "exec/", "export/",
                "cancel/", "retry/", "deploy/", "docker-upgrade/", "health-check/", "frobnicate/", "redeploy/extra/");
        List<String> methods = List.of("GET", "GET", "GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD",
                "OPTIONS", "FOO");
        List<String> queries = List.of("", "?", "?limit=2&offset=1", "?limit=-1", "?limit=abc", "?offset=99999999999",
                "?limit=0", "?name=web-1", "?colour=red", "?image_name=x", "?uuid__startswith=",
                "?start_date__gte=2015-01-01", "?start_date__gte=garbage", "?end_date__lt=Mon, 13 Oct 2014",
                "?start_date__year=2015", "?include_related=true&object=/api/v1/service/x/",
                "?include_related=maybe&object=", "?object=%zz", "?%=%", "?state=In%20progress", "?reuse_volumes=False",
                "?stack=/api/v1/stack/", "?service__stack__name=shop", "?node=", "?&&&=&", "?format=xml",
                "?order_by=-start_date");
        List<byte[]> bodies = List.of(new byte[0], "{}".getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8), "{\"target_num_containers\": 3}".getBytes(
                        StandardCharsets.UTF_8), new byte[100_000]);

        ApiClient stranger = new ApiClient(sandbox.apiUrl(), "Basic Zm9vOmJhcg==");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String resource = pick(random, resources);
            String path = pick(random, prefixes) + resource + (resource.isEmpty() ? "" : "/");
            if (random.nextInt(3) > 0 && !resource.isEmpty()) {
                path += pick(random, uuids) + "/" + pick(random, operations);
            }
            if (random.nextInt(10) == 0) {
                path = path.substring(0, Math.max(1, path.length() - 1)); // no trailing slash
            }
            String method = pick(random, methods);
            byte[] body = pick(random, bodies);
            String target = path + pick(random, queries).replace(" ", "%20");
            ApiClient client = random.nextInt(8) == 0 ? stranger : api;
            ApiClient.Answer answer;
            try {
                answer = client.send(method, target, method.equals("GET") || method.equals("HEAD") ? null : body);
            } catch (IllegalArgumentException notAUri) {
                continue; // the client itself refused to send it
            }
            int status = answer.status();
            if (status >= 500 && status != 501 || !DOCUMENTED.contains(status)) {
                failures.add(method + " " + target + " -> " + status + " " + answer.raw().body());
            }
            if (!method.equals("HEAD") && status != 200 && status != 202
                && (answer.json() == null || !answer.json().path("error").isTextual())) {
                failures.add(method + " " + target + " -> " + status + " without an error body");
            }
        }
        assertThat(failures).isEmpty();
        assertThat(api.get("/sandbox/stats").json().path("requests").path("total").asLong())
                .isGreaterThanOrEqualTo(REQUESTS / 2);
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
