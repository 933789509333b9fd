package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sandbox's registry: services have an image, {@code POST /sandbox/images} pushes a new digest to a tag, a
 * redeploy pulls the tag's newest, a PATCH of {@code image} changes what the next redeploy pulls, and every container
 * answers with what it runs.
 */
@Timeout(60)
class SandboxImagesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private Sandbox sandbox;
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        sandbox = Sandbox.builder().services(List.of("web-1", "web-2=shop/web:1.0"))
                .bootTime(Duration.ofMillis(100)).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String imageServedBy(String slot) throws IOException {
        LoopbackHttp.Reply reply = LoopbackHttp.send(sandbox.containerPorts().get(slot), "GET", "/", new byte[0],
                Duration.ofSeconds(2));
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("image " + reply.image());
        return reply.image();
    }

    private JsonNode push(String tag) {
        ApiClient.Answer answer = api.send("POST", "/sandbox/images",
                ("{\"image\": \"" + tag + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(201);
        return answer.json();
    }

    private void redeploy(JsonNode service) {
        String action = api.post(service.path("resource_uri").asText() + "redeploy/").header("X-Tutum-Action-URI");
        api.await(action, a -> !a.path("state").asText().equals("In progress")
                               && !a.path("state").asText().equals("Pending"), WAIT);
    }

    @Test
    void servicesHaveTheirImage_andEachContainerAnswersWithItsDigest() throws IOException {
        assertThat(api.service("web-1").path("image_name").asText()).isEqualTo("sandbox/web-1:latest");
        assertThat(api.service("web-1").path("image_tag").asText())
                .isEqualTo("/api/v1/image/sandbox/web-1/tag/latest/");
        assertThat(api.service("web-2").path("image_name").asText()).isEqualTo("shop/web:1.0");
        JsonNode images = api.get("/sandbox/images").json().path("images");
        assertThat(images).extracting(i -> i.path("image").asText())
                .containsExactly("sandbox/web-1:latest", "shop/web:1.0");
        assertThat(images.get(0).path("version").asInt()).isEqualTo(1);

        assertThat(imageServedBy("web-1-1")).isEqualTo("sandbox/web-1:latest@" + images.get(0).path("digest")
                .asText());
        assertThat(sandbox.containerImages()).containsEntry("web-2-1", sandbox.images().get(1));
    }

    @Test
    void aPushMovesTheTag_andARedeployPullsTheNewest() throws IOException {
        String before = imageServedBy("web-1-1");
        JsonNode pushed = push("sandbox/web-1:latest");

        assertThat(pushed.path("version").asInt()).isEqualTo(2);
        assertThat(pushed.path("digest").asText()).startsWith("sha256:").isNotEqualTo(before.split("@")[1]);
        assertThat(imageServedBy("web-1-1")).isEqualTo(before); // nothing changes until a redeploy
        redeploy(api.service("web-1"));

        assertThat(imageServedBy("web-1-1")).isEqualTo("sandbox/web-1:latest@" + pushed.path("digest").asText());
        assertThat(imageServedBy("web-2-1")).startsWith("shop/web:1.0@");
    }

    @Test
    void aPatchOfImage_isPulledAtTheNextRedeploy() throws IOException {
        JsonNode v2 = push("shop/web:2.0");
        JsonNode web2 = api.service("web-2");

        ApiClient.Answer patched = api.send("PATCH", web2.path("resource_uri").asText(),
                "{\"image\": \"shop/web:2.0\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().path("image_name").asText()).isEqualTo("shop/web:2.0");
        assertThat(imageServedBy("web-2-1")).startsWith("shop/web:1.0@");
        redeploy(web2);
        assertThat(imageServedBy("web-2-1")).isEqualTo("shop/web:2.0@" + v2.path("digest").asText());
        assertThat(api.get(web2.path("containers").get(0).asText()).json().path("image_name").asText())
                .isEqualTo("shop/web:1.0"); // the old container ran 1.0
    }

    @Test
    void aTagTheRegistryDoesNotHave_failsTheRedeploy_withThePullsReason() {
        JsonNode web1 = api.service("web-1");
        api.send("PATCH", web1.path("resource_uri").asText(),
                "{\"image\": \"sandbox/web-1:nope\"}".getBytes(StandardCharsets.UTF_8));

        String action = api.post(web1.path("resource_uri").asText() + "redeploy/").header("X-Tutum-Action-URI");
        JsonNode ended = api.await(action, a -> a.path("state").asText().equals("Failed"), WAIT);

        assertThat(ended.path("state").asText()).isEqualTo("Failed");
        JsonNode container = api.get(api.service("web-1").path("containers").get(0).asText()).json();
        assertThat(container.path("state").asText()).isEqualTo("Stopped");
        assertThat(container.path("exit_code_msg").asText()).contains("pull of sandbox/web-1:nope failed");
    }

    @Test
    void refusesWhatIsNotATag() {
        assertThat(api.send("POST", "/sandbox/images", "{\"image\": \"Not A Tag\"}".getBytes()).status())
                .isEqualTo(400);
        assertThat(api.send("POST", "/sandbox/images", "{}".getBytes()).status()).isEqualTo(400);
        String web1 = api.service("web-1").path("resource_uri").asText();
        assertThat(api.send("PATCH", web1, "{\"image\": \"x@sha256:12\"}".getBytes()).status()).isEqualTo(400);
        assertThat(api.send("DELETE", "/sandbox/images").status()).isEqualTo(405);
    }
}
