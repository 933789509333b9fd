package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 9 of issue 17: Docker Cloud's API as its docs and python-dockercloud spell it: {@code /api/app/v1/[NS/]}
 * for services, containers and stacks, {@code /api/infra/v1/[NS/]} for nodes, {@code /api/audit/v1/action/} for
 * actions (not namespaced), resource URIs that always carry the namespace, {@code X-DockerCloud-Action-URI}, and
 * the events stream at {@code /api/audit/v1/[NS/]events/}, which answers bad credentials with 401 on the handshake.
 */
@Timeout(20)
class DockerCloudApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private Sandbox sandbox;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web", "api.shop")).user("alice")
                .bootTime(Duration.ofMillis(50)).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void listsWithOrWithoutTheNamespace_andEveryUriCarriesIt() {
        JsonNode plain = api.get("/api/app/v1/service/?name=api").json();
        JsonNode namespaced = api.get("/api/app/v1/alice/service/?name=api").json();

        assertThat(plain).isEqualTo(namespaced);
        JsonNode service = plain.path("objects").get(0);
        String uuid = service.path("uuid").asText();
        assertThat(service.path("resource_uri").asText()).isEqualTo("/api/app/v1/alice/service/" + uuid + "/");
        assertThat(service.path("stack").asText()).startsWith("/api/app/v1/alice/stack/");
        assertThat(service.path("containers").get(0).asText()).startsWith("/api/app/v1/alice/container/");
        assertThat(service.path("link_variables").path("API_DOCKERCLOUD_API_URL").asText())
                .isEqualTo(sandbox.apiUrl() + "/api/app/v1/alice/service/" + uuid + "/");
        assertThat(service.has("image_tag")).isFalse();
        assertThat(api.get(service.path("resource_uri").asText()).json().path("uuid").asText()).isEqualTo(uuid);
        assertThat(api.get(service.path("stack").asText()).json().path("name").asText()).isEqualTo("shop");
        JsonNode containers = api.get("/api/app/v1/container/?service=" + encode(service.path("resource_uri")
                .asText())).json();
        assertThat(containers.path("meta").path("total_count").asInt()).isEqualTo(1);
        assertThat(api.get("/api/app/v1/service/?limit=1").json().path("meta").path("next").asText())
                .startsWith("/api/app/v1/service/?").contains("offset=1");
        assertThat(api.get("/api/app/v1/service/?stack__name=shop").json().path("objects")).hasSize(1);
    }

    @Test
    void anotherNamespace_orAResourceOfAnotherSubsystem_is404() {
        ApiClient.Answer other = api.get("/api/app/v1/someone-else/service/");

        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("error").asText()).contains("someone-else", "alice");
        assertThat(api.get("/api/app/v1/node/").status()).isEqualTo(404);
        assertThat(api.get("/api/infra/v1/node/").status()).isEqualTo(200);
        assertThat(api.get("/api/infra/v1/alice/nodecluster/").status()).isEqualTo(200);
    }

    @Test
    void redeploysAsPythonDockercloudDoes_andNamesTheActionInItsOwnHeader() {
        JsonNode service = api.get("/api/app/v1/service/?name=web").json().path("objects").get(0);
        String serviceUri = service.path("resource_uri").asText();

        // python-dockercloud: POST <resource_uri>redeploy/ with reuse_volumes as Python spells a boolean.
        ApiClient.Answer accepted = api.send("POST", serviceUri + "redeploy/?reuse_volumes=True", new byte[0]);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("X-Tutum-Action-URI")).isNull();
        String action = accepted.header("X-DockerCloud-Action-URI");
        assertThat(action).matches("/api/audit/v1/action/[0-9a-f-]{36}/");
        JsonNode done = api.await(action, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(done.path("object").asText()).isEqualTo(serviceUri);
        assertThat(done.path("resource_uri").asText()).isEqualTo(action);
        assertThat(done.path("user").asText()).isEqualTo("alice");
        String uuid = done.path("uuid").asText();
        assertThat(api.get("/api/audit/v1/alice/action/" + uuid + "/").json().path("uuid").asText()).isEqualTo(uuid);
        assertThat(uris(api.get("/api/audit/v1/action/?object=" + encode(serviceUri)).json())).containsExactly(action);
        // The same action in Tutum's dialect, by Tutum's URI of the service.
        assertThat(uris(api.get("/api/v1/action/?object=" + encode("/api/v1/service/" + service.path("uuid").asText()
                + "/")).json())).containsExactly("/api/v1/action/" + uuid + "/");
    }

    @Test
    void streamsEventsAtTheAuditPath_withDockerCloudUris_andRefusesBadCredentialsWith401() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("alice:" + sandbox.apiKey())
                .getBytes(StandardCharsets.UTF_8));
        JsonNode service = api.get("/api/app/v1/service/?name=web").json().path("objects").get(0);

        for (String path : List.of("/api/audit/v1/events/", "/api/audit/v1/alice/events/")) {
            try (StreamClient events = StreamClient.connect(URI.create(sandbox.streamUrl() + path + "?type=service"),
                    Map.of("Authorization", basic, "User-Agent", "python-dockercloud/1.0.12"))) {
                assertThat(events.next(WAIT).path("type").asText()).isEqualTo("auth");
                api.post(service.path("resource_uri").asText() + "redeploy/");
                JsonNode event = events.next(WAIT);
                assertThat(event.path("type").asText()).isEqualTo("service"); // the filter: no container, no action
                assertThat(event.path("resource_uri").asText()).isEqualTo(service.path("resource_uri").asText());
                assertThat(event.path("parents").isArray()).isTrue();
                assertThat(event.path("datetime").asText()).endsWith("Z");
                events.await(e -> e.path("state").asText().equals("Running"), WAIT);
            }
        }
        StreamClient.HandshakeRefused refused = catchThrowableOfType(() -> StreamClient.connect(
                URI.create(sandbox.streamUrl() + "/api/audit/v1/events/"), Map.of("Authorization", "Basic Zm9vOmJhcg==")),
                StreamClient.HandshakeRefused.class);
        assertThat(refused.status).isEqualTo(401);
    }

    private static List<String> uris(JsonNode list) {
        return StreamSupport.stream(list.path("objects").spliterator(), false)
                .map(a -> a.path("resource_uri").asText()).toList();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
