package dev.zdd.cli.command;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.zdd.cli.Fixture;
import dev.zdd.cli.wiring.PlatformFactory;
import dev.zdd.platform.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --image} and {@code --no-resolve-image} on the command line: output, exit codes, usage errors. */
class ImagesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD = "sha256:" + "1".repeat(64);
    private static final String NEW = "sha256:" + "2".repeat(64);

    @TempDir
    Path home;

    private Fixture zdd;
    private Service web1;
    private Service web2;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
        zdd.platform.healthy(web1, Duration.ofSeconds(2)).healthy(web2, Duration.ofSeconds(2));
        zdd.platform.image(web1, "reg/web:latest@" + OLD).image(web2, "reg/web:latest@" + OLD)
                .push("reg/web:latest", NEW);
    }

    private static List<JsonNode> events(Fixture.Result result) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : result.outLines()) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    @Test
    void json_theRedeployEventCarriesTheImage_andTheSummaryTheImageBeforeAndAfter() throws IOException {
        Fixture.Result result = zdd.run("redeploy", "--platform", "swarm", "--output", "json", "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> events = events(result);
        JsonNode plan = events.get(0);
        assertThat(plan.path("services").get(0).path("imageBefore").asText()).isEqualTo("reg/web:latest@" + OLD);
        assertThat(plan.path("services").get(0).path("image").asText()).isEqualTo("reg/web:latest@" + NEW);
        assertThat(events).filteredOn(e -> e.path("event").asText().equals("redeploy"))
                .extracting(e -> e.path("image").asText()).containsOnly("reg/web:latest@" + NEW).hasSize(2);
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.path("services")).allSatisfy(s -> {
            assertThat(s.path("imageBefore").asText()).isEqualTo("reg/web:latest@" + OLD);
            assertThat(s.path("image").asText()).isEqualTo("reg/web:latest@" + NEW);
        });
    }

    @Test
    void aDryRunShowsEachServicesImageNow_andTheOneItWouldRollTo() {
        Fixture.Result result = zdd.run("redeploy", "--platform", "swarm", "--dry-run", "--image", "reg/web:latest",
                "web-1", "web-2");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("image reg/web:latest@" + OLD + " -> reg/web:latest@" + NEW);
        assertThat(zdd.platform.calls()).noneMatch(c -> c.startsWith("set image") || c.startsWith("redeploy"));
    }

    @Test
    void anImageTheRegistryRefuses_isExit4_withItsReason_andNothingIsTouched() throws IOException {
        Fixture.Result text = zdd.run("redeploy", "--image", "reg/web:v3", "web-1", "web-2");

        assertThat(text.exitCode()).isEqualTo(4);
        assertThat(text.errLines()).contains("zdd: preflight refused, nothing was redeployed: web-1: image"
                + " reg/web:v3: manifest unknown: manifest unknown; web-2: image reg/web:v3: manifest unknown:"
                + " manifest unknown; check the image reference, and the registry credentials (docker login, or"
                + " DOCKER_CONFIG); on Swarm, --no-resolve-image redeploys what the spec pins without asking a"
                + " registry");
        assertThat(zdd.platform.redeployed()).isEmpty();

        Fixture.Result json = zdd.run("redeploy", "--output", "json", "--image", "reg/web:v3", "web-1");
        JsonNode summary = events(json).get(events(json).size() - 1);
        assertThat(summary.path("outcome").asText()).isEqualTo("refused");
        assertThat(summary.path("exitCode").asInt()).isEqualTo(4);
    }

    @Test
    void aReferenceDockerWouldRefuse_isAUsageErrorNamingTheOption() {
        Fixture.Result result = zdd.run("redeploy", "--image", "Reg/Web:1", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("zdd: invalid value for --image: 'Reg/Web:1'");
        assertThat(zdd.platform.calls()).isEmpty();
    }

    @Test
    void noResolveImage_isForSwarmOnly() {
        Fixture.Result tutum = zdd.run("redeploy", "--no-resolve-image", "web-1");

        assertThat(tutum.exitCode()).isEqualTo(2);
        assertThat(tutum.err()).contains("--no-resolve-image applies only to --platform swarm");

        Fixture.Result swarm = zdd.run("redeploy", "--platform", "swarm", "--no-resolve-image", "web-1");
        assertThat(swarm.exitCode()).isZero();
        assertThat(zdd.platform.imageOf(web1)).isEqualTo("reg/web:latest@" + OLD);
    }

    @Test
    void registryCredentialsNeverShow_evenWhenTheEngineEchoesThem() throws IOException {
        String password = "r3gistry-pa55word";
        String auth = Base64.getEncoder().encodeToString(("zdd:" + password).getBytes(StandardCharsets.UTF_8));
        Path dockerConfig = Files.createDirectories(home.resolve("docker-config"));
        Files.writeString(dockerConfig.resolve("config.json"),
                "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + auth + "\"}}}");
        WireMockServer engine = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        engine.start();
        try {
            engine.stubFor(get(urlEqualTo("/services")).willReturn(okJson("[{\"ID\": \"svc1\", \"Version\":"
                    + " {\"Index\": 1}, \"Spec\": {\"Name\": \"web-1\", \"Mode\": {\"Replicated\": {\"Replicas\": 0}},"
                    + " \"TaskTemplate\": {\"ContainerSpec\": {\"Image\": \"127.0.0.1:5000/web:latest\"}}}}]")));
            engine.stubFor(get(urlEqualTo("/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D"))
                    .willReturn(okJson("[]")));
            engine.stubFor(get(urlEqualTo("/services/svc1")).willReturn(okJson("{\"ID\": \"svc1\", \"Version\":"
                    + " {\"Index\": 1}, \"Spec\": {\"Name\": \"web-1\", \"Mode\": {\"Replicated\": {\"Replicas\": 0}},"
                    + " \"TaskTemplate\": {\"ContainerSpec\": {\"Image\": \"127.0.0.1:5000/web:latest\"}}}}")));
            // A registry (or a proxy) that repeats what it was sent: the password, and the header it came in.
            engine.stubFor(get(urlEqualTo("/distribution/127.0.0.1:5000/web:latest/json")).willReturn(aResponse()
                    .withStatus(401).withHeader("Content-Type", "application/json").withBody("{\"message\":"
                            + " \"unauthorized: {{request.headers.X-Registry-Auth}} zdd:" + password + " " + auth
                            + "\"}").withTransformers("response-template")));
            zdd.platforms = PlatformFactory.standard(zdd.time, zdd.time);
            zdd.variables.put("DOCKER_CONFIG", dockerConfig.toString());

            for (String output : List.of("text", "json")) {
                Fixture.Result result = zdd.run("redeploy", "--platform", "swarm", "--api-url",
                        "tcp://127.0.0.1:" + engine.port(), "--output", output, "--force", "-vv", "web-1");

                assertThat(result.exitCode()).as(result.err()).isEqualTo(4);
                assertThat(result.err() + result.out()).contains("unauthorized: ***")
                        .doesNotContain(password, auth);
            }
        } finally {
            engine.stop();
        }
    }
}
