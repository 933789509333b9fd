package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(15)
class SandboxStatsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private Sandbox sandbox;
    private ApiClient api;

    private void start(Sandbox.Builder builder) throws Exception {
        sandbox = builder.bootTime(Duration.ofMillis(50)).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox); // sends User-Agent zdd-test/1
    }

    @AfterEach
    void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void countsRequestsPerServiceAndPerClient() throws Exception {
        start(Sandbox.builder().services(List.of("web-1", "web-2", "api.shop")));
        JsonNode web1 = api.service("web-1");                                    // a list: about no one service
        String web1Uri = web1.path("resource_uri").asText();
        api.get(web1Uri);                                                        // web-1 by path
        String container = web1.path("containers").get(0).asText();
        api.get(container);                                                      // web-1 through its container
        api.get("/api/v1/container/?service=" + web1Uri);                        // web-1 through the filter
        api.get(api.service("api").path("resource_uri").asText());               // api.shop, by path
        new ApiClient(sandbox.apiUrl(), null).get("/api/v1/service/");           // refused, still counted

        SandboxStats stats = sandbox.stats();

        assertThat(stats.totalRequests()).isEqualTo(7);
        assertThat(stats.requestsByService()).containsEntry("web-1", 3L).containsEntry("api.shop", 1L)
                .containsEntry("(none)", 3L);
        assertThat(stats.requestsByUserAgent()).containsEntry("zdd-test/1", 7L);
        List<SandboxStats.ApiRequest> log = stats.requests();
        assertThat(log).hasSize(7);
        assertThat(log.get(3).path()).isEqualTo("/api/v1/container/?service=" + web1Uri);
        assertThat(log.get(3).service()).isEqualTo("web-1");
        assertThat(log.get(6).status()).isEqualTo(401);
        assertThat(log).extracting(SandboxStats.ApiRequest::time).isSorted();
    }

    @Test
    void recordsWhenEachRedeployStartedAndEndedAndAttributesItsActionRequests() throws Exception {
        start(Sandbox.builder());
        Instant before = Instant.now();
        String actionUri = api.post(api.service("web-2").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await(actionUri, a -> a.path("state").asText().equals("Success"), WAIT);

        List<SandboxStats.Redeploy> redeploys = sandbox.stats().redeploys();

        assertThat(redeploys).hasSize(1);
        SandboxStats.Redeploy redeploy = redeploys.get(0);
        assertThat(redeploy.service()).isEqualTo("web-2");
        assertThat(redeploy.container()).isNull();
        assertThat(redeploy.userAgent()).isEqualTo("zdd-test/1");
        assertThat(redeploy.state()).isEqualTo("Success");
        assertThat(redeploy.start()).isAfterOrEqualTo(before);
        assertThat(redeploy.duration()).hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(
                Duration.ofMillis(50)));
        // The POST and every GET of its action count for web-2.
        long forWeb2 = sandbox.stats().requestsByService().get("web-2");
        assertThat(forWeb2).isEqualTo(sandbox.stats().requests().stream()
                .filter(r -> r.path().startsWith("/api/v1/action/") || r.method().equals("POST")).count());
    }

    @Test
    void servesTheSameAtSandboxStatsWithoutCountingItself() throws Exception {
        start(Sandbox.builder());
        String actionUri = api.post(api.service("web-1").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await(actionUri, a -> a.path("state").asText().equals("Success"), WAIT);
        long counted = sandbox.stats().totalRequests();

        ApiClient.Answer answer = api.get("/sandbox/stats");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.path("requests").path("total").asLong()).isEqualTo(counted);
        assertThat(json.path("requests").path("byUserAgent").path("zdd-test/1").asLong()).isEqualTo(counted);
        assertThat(json.path("requests").path("log")).hasSize((int) counted);
        assertThat(json.path("requests").path("log").get(1).path("method").asText()).isEqualTo("POST");
        assertThat(json.path("requests").path("log").get(1).path("service").asText()).isEqualTo("web-1");
        JsonNode redeploy = json.path("redeploys").get(0);
        assertThat(redeploy.path("service").asText()).isEqualTo("web-1");
        assertThat(redeploy.path("state").asText()).isEqualTo("Success");
        assertThat(Instant.parse(redeploy.path("end").asText()))
                .isAfter(Instant.parse(redeploy.path("start").asText()));
        assertThat(redeploy.path("seconds").asDouble()).isPositive();
        List<String> rotation = StreamSupport.stream(json.path("loadBalancer").path("inRotation").spliterator(),
                false).map(JsonNode::asText).toList();
        assertThat(rotation).isSubsetOf("web-1-1", "web-2-1");
        assertThat(api.get("/sandbox/stats").json().path("requests").path("total").asLong()).isEqualTo(counted);
        assertThat(new ApiClient(sandbox.apiUrl(), null).get("/sandbox/stats").status()).isEqualTo(401);
        assertThat(api.post("/sandbox/stats").status()).isEqualTo(405);
    }

    @Test
    void countsConnectionsToTheEventsStream() throws Exception {
        start(Sandbox.builder());
        java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (sandbox.user() + ":" + sandbox.apiKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .header("User-Agent", "zdd-test/1")
                .buildAsync(URI.create(sandbox.streamUrl() + "/v1/events"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                                                                          CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains("auth");

        List<SandboxStats.StreamConnection> connections = sandbox.stats().streamConnections();

        assertThat(connections).singleElement().satisfies(c -> {
            assertThat(c.userAgent()).isEqualTo("zdd-test/1");
            assertThat(c.authorized()).isTrue();
        });
        assertThat(sandbox.stats().totalRequests()).as("not an API request").isZero();
        assertThat(api.get("/sandbox/stats").json().path("streamConnections").path("total").asLong()).isEqualTo(1);
        socket.abort();
    }
}
