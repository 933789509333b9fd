package dev.zdd.platform.swarm;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.ImageUnavailableException;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RedeployRequest;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Swarm adapter's images against WireMock playing the Docker Engine: the tag resolved through the distribution
 * endpoint, the credentials sent with the lookup and with the update, the registry's refusals.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SwarmImageTest {

    private static final String OLD = "sha256:" + "1".repeat(64);
    private static final String NEW = "sha256:" + "2".repeat(64);
    private static final String REPO = "127.0.0.1:5000/web";
    private static final String DISTRIBUTION = "/distribution/" + REPO + ":latest/json";

    @RegisterExtension
    static WireMockExtension engine = WireMockExtension.newInstance()
            .options(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"))
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dockerConfig;

    private final List<String> secrets = new ArrayList<>();
    private final Service web1 = new Service("svc1", "web-1", null, ServiceState.RUNNING, 1, 1);

    private SwarmPlatform platform() {
        SwarmConfig config = new SwarmConfig(List.of(URI.create("tcp://127.0.0.1:" + engine.getPort())), false, null, false,
                Duration.ofSeconds(2), Duration.ofSeconds(5), false);
        return new SwarmPlatform(config, new RegistryCredentials(dockerConfig, List.of(), Duration.ofSeconds(5),
                secrets::add));
    }

    private void loggedIn() throws IOException {
        String auth = Base64.getEncoder().encodeToString("zdd:s3cret-pass".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dockerConfig.resolve("config.json"),
                "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + auth + "\"}}}");
    }

    /** What the docker CLI sends: base64url of the auth config's JSON, its = padding kept. */
    private static String xRegistryAuth() {
        String json = "{\"username\":\"zdd\",\"password\":\"s3cret-pass\",\"serveraddress\":\"127.0.0.1:5000\"}";
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void service(String id, String image) {
        engine.stubFor(get(urlEqualTo("/services/" + id)).willReturn(okJson("""
                {"ID": "%s", "Version": {"Index": 7},
                 "Spec": {"Name": "%s", "Mode": {"Replicated": {"Replicas": 1}},
                          "TaskTemplate": {"ContainerSpec": {"Image": "%s", "Args": ["httpd"]}, "ForceUpdate": 3}}}
                """.formatted(id, id, image))));
    }

    @Test
    void resolvesTheSpecsTagToTheRegistrysDigest_withTheCredentials() throws IOException {
        loggedIn();
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(get(urlEqualTo(DISTRIBUTION)).withHeader("X-Registry-Auth", equalTo(xRegistryAuth()))
                .willReturn(okJson("{\"Descriptor\": {\"digest\": \"" + NEW + "\"}}")));

        try (SwarmPlatform swarm = platform()) {
            ImagePlan plan = swarm.image(web1, ImageRequest.OWN);

            assertThat(plan).isEqualTo(new ImagePlan(REPO + ":latest@" + OLD, REPO + ":latest@" + NEW, true));
        }
        assertThat(xRegistryAuth()).endsWith("=");
        assertThat(secrets).contains("s3cret-pass", xRegistryAuth());
    }

    @Test
    void updatesTheSpecToTheResolvedImage_forced_withTheCredentialsForEveryNode() throws IOException {
        loggedIn();
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(post(urlEqualTo("/services/svc1/update?version=7"))
                .withHeader("X-Registry-Auth", equalTo(xRegistryAuth()))
                .withRequestBody(matchingJsonPath("$.TaskTemplate.ContainerSpec.Image",
                        equalTo(REPO + ":latest@" + NEW)))
                .withRequestBody(matchingJsonPath("$.TaskTemplate.ForceUpdate", equalTo("4")))
                .withRequestBody(matchingJsonPath("$.TaskTemplate.ContainerSpec.Args[0]", equalTo("httpd")))
                .willReturn(okJson("{\"Warnings\": null}")));

        try (SwarmPlatform swarm = platform()) {
            swarm.redeploy(web1, new RedeployRequest(true,
                    new ImagePlan(REPO + ":latest@" + OLD, REPO + ":latest@" + NEW, true)));
        }
        engine.verify(1, postRequestedFor(urlEqualTo("/services/svc1/update?version=7")));
    }

    @Test
    void oneLookupPerTag_everyServiceOnItGetsTheSameDigest() throws IOException {
        service("svc1", REPO + ":latest@" + OLD);
        service("svc2", REPO + ":latest");
        engine.stubFor(get(urlEqualTo(DISTRIBUTION)).withHeader("X-Registry-Auth", absent())
                .willReturn(okJson("{\"Descriptor\": {\"digest\": \"" + NEW + "\"}}")));

        try (SwarmPlatform swarm = platform()) {
            String one = swarm.image(web1, ImageRequest.OWN).after();
            String two = swarm.image(new Service("svc2", "web-2", null, ServiceState.RUNNING, 1, 1),
                    ImageRequest.OWN).after();

            assertThat(one).isEqualTo(two).isEqualTo(REPO + ":latest@" + NEW);
        }
        engine.verify(1, getRequestedFor(urlEqualTo(DISTRIBUTION)));
    }

    @Test
    void anImageAskedFor_withoutATag_isResolvedAsLatest() {
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(get(urlEqualTo("/distribution/" + REPO.replace("web", "api") + ":latest/json"))
                .willReturn(okJson("{\"Descriptor\": {\"digest\": \"" + NEW + "\"}}")));

        try (SwarmPlatform swarm = platform()) {
            assertThat(swarm.image(web1, new ImageRequest("127.0.0.1:5000/api", true)).after())
                    .isEqualTo("127.0.0.1:5000/api:latest@" + NEW);
        }
    }

    @Test
    void theRegistrysRefusal_isTheReason_withWhichCredentialsItWasAsked() throws IOException {
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(get(urlEqualTo(DISTRIBUTION)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"Head \\\"http://"
                        + "127.0.0.1:5000/v2/web/manifests/latest\\\": no basic auth credentials\"}")));

        try (SwarmPlatform swarm = platform()) {
            assertThatThrownBy(() -> swarm.image(web1, ImageRequest.OWN))
                    .isInstanceOfSatisfying(ImageUnavailableException.class, e -> {
                        assertThat(e.image()).isEqualTo(REPO + ":latest");
                        assertThat(e.getMessage()).startsWith("Head \"http://127.0.0.1:5000/v2/web/manifests/"
                                + "latest\": no basic auth credentials (no credentials for 127.0.0.1:5000 in "
                                + dockerConfig.resolve("config.json") + ")");
                    });
        }
    }

    @Test
    void anUnknownTag_isRefused() throws IOException {
        loggedIn();
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(get(urlEqualTo("/distribution/" + REPO + ":nope/json")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"manifest unknown: manifest unknown\"}")));

        try (SwarmPlatform swarm = platform()) {
            assertThatThrownBy(() -> swarm.image(web1, new ImageRequest(REPO + ":nope", true)))
                    .isInstanceOf(ImageUnavailableException.class)
                    .hasMessage("manifest unknown: manifest unknown (credentials for 127.0.0.1:5000 from auths in "
                                + dockerConfig.resolve("config.json") + ")");
        }
    }

    @Test
    void anEngineThatCantBeReached_isAPlatformFailure_notARefusedImage() {
        SwarmConfig config = new SwarmConfig(URI.create("tcp://127.0.0.1:1"), false, null);
        try (SwarmPlatform swarm = new SwarmPlatform(config, RegistryCredentials.NONE)) {
            assertThatThrownBy(() -> swarm.image(web1, ImageRequest.OWN)).isInstanceOf(PlatformException.class);
        }
    }

    @Test
    void withoutResolving_nothingIsLookedUp_theSpecIsSentAsItIs_withTheCredentials() throws IOException {
        loggedIn();
        service("svc1", REPO + ":latest@" + OLD);
        engine.stubFor(post(urlEqualTo("/services/svc1/update?version=7"))
                .withHeader("X-Registry-Auth", equalTo(xRegistryAuth()))
                .withRequestBody(matchingJsonPath("$.TaskTemplate.ContainerSpec.Image",
                        equalTo(REPO + ":latest@" + OLD)))
                .willReturn(okJson("{}")));

        try (SwarmPlatform swarm = platform()) {
            ImagePlan plan = swarm.image(web1, new ImageRequest(null, false));
            assertThat(plan).isEqualTo(new ImagePlan(REPO + ":latest@" + OLD, REPO + ":latest@" + OLD, false));
            swarm.redeploy(web1, new RedeployRequest(true, plan));
        }
        engine.verify(0, getRequestedFor(urlPathMatching("/distribution/.*")));
    }

    @Test
    void aBrokenCredentialHelper_refusesTheImage_beforeAnythingIsSent() throws IOException {
        Files.writeString(dockerConfig.resolve("config.json"), "{\"credsStore\": \"missing\"}");
        service("svc1", REPO + ":latest@" + OLD);

        try (SwarmPlatform swarm = platform()) {
            assertThatThrownBy(() -> swarm.image(web1, new ImageRequest(null, false)))
                    .isInstanceOf(ImageUnavailableException.class)
                    .hasMessageContaining("the registry credentials can't be read")
                    .hasMessageContaining("docker-credential-missing is not on the PATH");
        }
    }
}
