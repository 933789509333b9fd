package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RedeployRequest;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.time.FakeTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --image} on Tutum and Docker Cloud: each service's {@code image} is PATCHed just before its own redeploy,
 * as {@code tutum service set --image} then {@code tutum service redeploy} did, never earlier.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumImageTest {

    private static final String WEB_1 = "11111111-1111-4111-8111-111111111111";
    private static final String WEB_2 = "22222222-2222-4222-8222-222222222222";
    private static final String OLD = "shop/web:1.0";
    private static final String NEW = "shop/web:2.0";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    /** Where one flavor keeps services and actions, and the header that names a redeploy's action. */
    private record Dialect(String app, String actions, String actionHeader) {
        static Dialect of(TutumConfig.Flavor flavor) {
            return flavor == TutumConfig.Flavor.TUTUM
                    ? new Dialect("/api/v1/", "/api/v1/action/", "X-Tutum-Action-URI")
                    : new Dialect("/api/app/v1/", "/api/audit/v1/action/", "X-DockerCloud-Action-URI");
        }
    }

    private static String service(Dialect d, String uuid, String name, String image, String container) {
        return """
                {"uuid": "%s", "resource_uri": "%sservice/%s/", "name": "%s", "state": "Running", "stack": null,
                 "image_name": "%s", "containers": ["%scontainer/%s/"],
                 "running_num_containers": 1, "target_num_containers": 1}
                """.formatted(uuid, d.app(), uuid, name, image, d.app(), container);
    }

    /**
     * A service whose {@code image_name} changes with a PATCH, and that is back with a new container once
     * redeployed: a scenario per service, {@code Started} -> {@code patched} -> {@code redeployed}.
     */
    private static void stubService(Dialect d, String uuid, String name) {
        String path = d.app() + "service/" + uuid + "/";
        String action = d.actions() + uuid.substring(0, 8) + "-aaaa-4aaa-8aaa-aaaaaaaaaaaa/";
        api.stubFor(get(urlEqualTo(path)).inScenario(name).whenScenarioStateIs(STARTED)
                .willReturn(okJson(service(d, uuid, name, OLD, containerOf(uuid)))));
        api.stubFor(patch(urlEqualTo(path)).withRequestBody(equalToJson("{\"image\": \"" + NEW + "\"}"))
                .inScenario(name).whenScenarioStateIs(STARTED).willSetStateTo("patched")
                .willReturn(okJson(service(d, uuid, name, NEW, containerOf(uuid)))));
        api.stubFor(get(urlEqualTo(path)).inScenario(name).whenScenarioStateIs("patched")
                .willReturn(okJson(service(d, uuid, name, NEW, containerOf(uuid)))));
        api.stubFor(post(urlEqualTo(path + "redeploy/")).inScenario(name).whenScenarioStateIs("patched")
                .willSetStateTo("redeployed")
                .willReturn(aResponse().withStatus(202).withHeader(d.actionHeader(), action)
                        .withHeader("Content-Type", "application/json")
                        .withBody(service(d, uuid, name, NEW, containerOf(uuid)))));
        api.stubFor(get(urlEqualTo(path)).inScenario(name).whenScenarioStateIs("redeployed")
                .willReturn(okJson(service(d, uuid, name, NEW, containerOf(uuid + " again")))));
        api.stubFor(get(urlEqualTo(action)).willReturn(okJson("""
                {"uuid": "x", "resource_uri": "%s", "state": "Success", "action": "Service Redeploy",
                 "object": "%s"}
                """.formatted(action, path))));
    }

    private static void stubList(Dialect d) {
        api.stubFor(get(urlPathEqualTo(d.app() + "service/")).willReturn(okJson("""
                {"meta": {"next": null}, "objects": [%s, %s]}
                """.formatted(service(d, WEB_1, "web-1", OLD, containerOf(WEB_1)),
                service(d, WEB_2, "web-2", OLD, containerOf(WEB_2))))));
        for (String state : List.of("In progress", "Pending")) {
            api.stubFor(get(urlPathEqualTo(d.actions())).withQueryParam("state",
                            equalTo(state))
                    .willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": []}")));
        }
        // The object's actions, read before each redeploy so that only a new one is taken for it after a lost answer.
        api.stubFor(get(urlPathEqualTo(d.actions())).withQueryParam("object", matching(".+"))
                .willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": []}")));
    }

    private static TutumPlatform platform(TutumConfig.Flavor flavor, FakeTime time) {
        return TutumFixtures.platform(TutumFixtures.config(flavor, api.baseUrl(), null), time);
    }

    /** Every PATCH and POST the server saw, in the order it saw them: {@code PATCH web-1}, {@code POST web-1}. */
    private static List<String> writes() {
        List<ServeEvent> oldestFirst = new ArrayList<>(api.getAllServeEvents()); // WireMock lists newest first
        Collections.reverse(oldestFirst);
        return oldestFirst.stream()
                .map(ServeEvent::getRequest)
                .filter(r -> !r.getMethod().getName().equals("GET"))
                .map(r -> r.getMethod().getName() + " " + (r.getUrl().contains(WEB_1) ? "web-1" : "web-2")
                          + (r.getUrl().endsWith("/redeploy/") ? " redeploy" : ""))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(TutumConfig.Flavor.class)
    void patchesEachServicesImage_justBeforeItsOwnRedeploy(TutumConfig.Flavor flavor) {
        Dialect d = Dialect.of(flavor);
        stubList(d);
        stubService(d, WEB_1, "web-1");
        stubService(d, WEB_2, "web-2");
        FakeTime time = new FakeTime();
        RolloutSettings settings = RolloutSettings.defaults().withImages(new ImageRequest(NEW, true));

        RolloutReport report = new Rollout(platform(flavor, time), time, time)
                .run(List.of("web-1", "web-2"), settings, new RolloutListener() { }, new Cancellation());

        assertThat(report.outcome()).as(String.valueOf(report.cause())).isEqualTo(RunOutcome.SUCCESS);
        assertThat(writes()).containsExactly("PATCH web-1", "POST web-1 redeploy", "PATCH web-2",
                "POST web-2 redeploy");
        assertThat(report.services()).extracting(ServiceReport::imageBefore, ServiceReport::image)
                .containsOnly(tuple(OLD, NEW));
    }

    @ParameterizedTest
    @EnumSource(TutumConfig.Flavor.class)
    void plansFromTheServicesImageName_withReadsOnly(TutumConfig.Flavor flavor) {
        Dialect d = Dialect.of(flavor);
        stubService(d, WEB_1, "web-1");
        TutumPlatform platform = platform(flavor, new FakeTime());
        Service web = new Service(WEB_1, "web-1", null, ServiceState.RUNNING, 1, 1);

        assertThat(platform.image(web, ImageRequest.OWN)).isEqualTo(new ImagePlan(OLD, OLD, false));
        assertThat(platform.image(web, new ImageRequest(NEW, true))).isEqualTo(new ImagePlan(OLD, NEW, true));
        assertThat(writes()).isEmpty();
    }

    @Test
    void aRefusedPatch_redeploysNothing() {
        Dialect d = Dialect.of(TutumConfig.Flavor.TUTUM);
        String path = d.app() + "service/" + WEB_1 + "/";
        api.stubFor(patch(urlEqualTo(path)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Invalid image\"}")));
        TutumPlatform platform = platform(TutumConfig.Flavor.TUTUM, new FakeTime());
        Service web = new Service(WEB_1, "web-1", null, ServiceState.RUNNING, 1, 1);

        assertThatThrownBy(() -> platform.redeploy(web,
                        new RedeployRequest(true, new ImagePlan(OLD, NEW, true))))
                .isInstanceOfSatisfying(PlatformException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("PATCH " + path, "Invalid image");
                });
        api.verify(1, patchRequestedFor(urlEqualTo(path)));
        api.verify(0, postRequestedFor(urlEqualTo(path + "redeploy/")));
    }

    /** The uuid of a service's one container: a uuid of its own, as the API gives. */
    private static String containerOf(String service) {
        return java.util.UUID.nameUUIDFromBytes(("container of " + service).getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).toString();
    }
}
