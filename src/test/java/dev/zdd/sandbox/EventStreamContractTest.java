package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Items 2 and 6 of issue 17: the events stream as Tutum's clients used it. python-tutum before 0.20.3 (and the
 * tutum/haproxy images built on it) sent the credentials in the query, {@code ?user=NAME&token=KEY} or
 * {@code ?auth=<url-encoded TUTUM_AUTH>}; every event carries {@code parents}, a list of URIs (a container's
 * service, stack, node and node cluster).
 */
@Timeout(20)
class EventStreamContractTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String KEY = "0123456789abcdef0123456789abcdef01234567";
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private Sandbox sandbox;
    private ApiClient api;

    private void start(List<String> services) throws Exception {
        sandbox = Sandbox.builder().services(services).apiKey(KEY).bootTime(Duration.ofMillis(50))
                .warmup(Duration.ZERO).events(stderr::add).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private URI stream(String pathAndQuery) {
        return URI.create(sandbox.streamUrl() + pathAndQuery);
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("sandbox:" + KEY).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsTheUserAndTokenInTheQuery_asPythonTutumBefore0203SentThem() throws Exception {
        start(List.of("web"));

        try (StreamClient events = StreamClient.connect(stream("/v1/events?user=sandbox&token=" + KEY), Map.of())) {
            assertThat(events.next(WAIT).path("type").asText()).isEqualTo("auth");
            api.post(api.service("web").path("resource_uri").asText() + "redeploy/");
            assertThat(events.await(e -> e.path("type").asText().equals("service"), WAIT).path("state").asText())
                    .isEqualTo("Redeploying");
        }
    }

    @Test
    void acceptsAWholeAuthorizationValueInTheQuery_asTheHaproxyImagesSentTutumAuth() throws Exception {
        start(List.of("web"));

        for (String auth : List.of(basic(), "ApiKey sandbox:" + KEY)) {
            String query = "?auth=" + URLEncoder.encode(auth, StandardCharsets.UTF_8);
            try (StreamClient events = StreamClient.connect(stream("/v1/events" + query), Map.of())) {
                assertThat(events.next(WAIT).path("type").asText()).isEqualTo("auth");
            }
        }
    }

    @Test
    void refusesWrongQueryCredentialsAsTutumDid_andNeverLogsOrCountsAnyCredentials() throws Exception {
        start(List.of("web"));

        try (StreamClient refused = StreamClient.connect(stream("/v1/events?user=sandbox&token=wrong-token"),
                Map.of("User-Agent", "tutum-haproxy/0.2 python-tutum/0.20.2"))) {
            JsonNode error = refused.next(WAIT);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("data").path("errorMessage").asText()).isEqualTo("UNAUTHORIZED");
        }
        try (StreamClient accepted = StreamClient.connect(stream("/v1/events/?user=sandbox&token=" + KEY),
                Map.of("User-Agent", "python-tutum/0.20.2"))) {
            accepted.next(WAIT);
        }
        // The same credentials sent to the REST API in a query are not logged either.
        api.get("/api/v1/service/?token=" + KEY + "&auth=" + URLEncoder.encode(basic(), StandardCharsets.UTF_8));

        String stats = api.get("/sandbox/stats").raw().body();
        assertThat(stats).doesNotContain(KEY, "wrong-token", basic().substring(6));
        assertThat(stats).contains("python-tutum/0.20.2", "token=***", "auth=***");
        assertThat(sandbox.stats().streamConnections()).extracting(SandboxStats.StreamConnection::authorized)
                .containsExactly(false, true);
        assertThat(String.join("\n", stderr)).doesNotContain(KEY, "wrong-token");
    }

    @Test
    void everyEventCarriesParents_anEmptyListForAServiceOutsideAStack() throws Exception {
        start(List.of("solo", "api.shop"));
        JsonNode solo = api.service("solo");
        String node = api.get("/api/v1/node/").json().path("objects").get(0).path("resource_uri").asText();
        String cluster = api.get("/api/v1/nodecluster/").json().path("objects").get(0).path("resource_uri").asText();

        try (StreamClient events = StreamClient.connect(stream("/v1/events"), Map.of("Authorization", basic()))) {
            events.next(WAIT);
            String action = api.post(solo.path("resource_uri").asText() + "redeploy/").header("X-Tutum-Action-URI");
            List<JsonNode> seen = new ArrayList<>();
            seen.add(events.await(e -> true, WAIT));
            while (!(seen.get(seen.size() - 1).path("resource_uri").asText().equals(action)
                     && seen.get(seen.size() - 1).path("state").asText().equals("Success"))) {
                seen.add(events.next(WAIT));
            }

            assertThat(seen).allSatisfy(e -> assertThat(e.path("parents").isArray()).as("parents of %s", e).isTrue());
            JsonNode service = seen.stream().filter(e -> e.path("type").asText().equals("service")).findFirst()
                    .orElseThrow();
            assertThat(service.path("parents")).isEmpty();
            JsonNode container = seen.stream().filter(e -> e.path("type").asText().equals("container")).findFirst()
                    .orElseThrow();
            assertThat(texts(container.path("parents"))).containsExactly(solo.path("resource_uri").asText(), node,
                    cluster);
            JsonNode actionEvent = seen.stream().filter(e -> e.path("type").asText().equals("action")).findFirst()
                    .orElseThrow();
            assertThat(texts(actionEvent.path("parents"))).containsExactly(solo.path("resource_uri").asText());
        }

        JsonNode shop = api.service("api");
        try (StreamClient events = StreamClient.connect(stream("/v1/events"), Map.of("Authorization", basic()))) {
            events.next(WAIT);
            api.post(shop.path("resource_uri").asText() + "redeploy/");
            JsonNode service = events.await(e -> e.path("type").asText().equals("service"), WAIT);
            assertThat(texts(service.path("parents"))).containsExactly(shop.path("stack").asText());
        }
    }

    @Test
    void answersLogsStreams501_andUnknownPaths404() throws Exception {
        start(List.of("web"));
        String uuid = api.service("web").path("uuid").asText();

        StreamClient.HandshakeRefused logs = catchThrowableOfType(() -> StreamClient.connect(
                stream("/v1/service/" + uuid + "/logs/?follow=true"), Map.of("Authorization", basic())),
                StreamClient.HandshakeRefused.class);
        StreamClient.HandshakeRefused unknown = catchThrowableOfType(() -> StreamClient.connect(
                stream("/v2/events"), Map.of("Authorization", basic())), StreamClient.HandshakeRefused.class);

        assertThat(logs.status).isEqualTo(501);
        assertThat(unknown.status).isEqualTo(404);
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
