package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.zdd.platform.tutum.TutumFixtures.AUTHORIZATION;
import static dev.zdd.platform.tutum.TutumFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumPlatformTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String OLD_WEB = "9b2e4d61-0c3f-4e8a-b1d2-7e6f5a4b3c21";
    static final String WORKER = "c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    static final String SHOP_STACK = "/api/v1/stack/7fe7ec85-58be-4904-81da-de2219098d7c/";
    static final String ACTION = "/api/v1/action/6246c558-976c-4df6-ba60-eb1a344a17af/";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final TutumPlatform platform = TutumFixtures.tutum(api);

    private void stubThreePagesOfServicesAndTwoOfStacks() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson(fixture("services-page-1.json"))));
        api.stubFor(get(urlEqualTo("/api/v1/service/?limit=1&offset=1"))
                .willReturn(okJson(fixture("services-page-2.json"))));
        api.stubFor(get(urlEqualTo("/api/v1/service/?limit=1&offset=2"))
                .willReturn(okJson(fixture("services-page-3.json"))));
        api.stubFor(get(urlEqualTo("/api/v1/stack/")).willReturn(okJson(fixture("stacks-page-1.json"))));
        api.stubFor(get(urlEqualTo("/api/v1/stack/?limit=1&offset=1"))
                .willReturn(okJson(fixture("stacks-page-2.json"))));
    }

    @Test
    void listsEveryPage_byFollowingMetaNext() {
        stubThreePagesOfServicesAndTwoOfStacks();

        List<Service> services = platform.services();

        assertThat(services).extracting(Service::id).containsExactly(WEB, OLD_WEB, WORKER);
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/service/")));
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/service/?limit=1&offset=1")));
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/service/?limit=1&offset=2")));
    }

    @Test
    void plansTheImageFromTheListingThatResolvedTheService_withoutASecondRead() {
        stubThreePagesOfServicesAndTwoOfStacks();
        Service web = platform.services().get(0);

        ImagePlan plan = platform.image(web, ImageRequest.OWN);

        assertThat(plan.before()).isEqualTo("tutum/hello-world:latest");
        api.verify(0, getRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/")));
    }

    @Test
    void namesEachServicesStack_fromOneListingOfEveryStackPage() {
        stubThreePagesOfServicesAndTwoOfStacks();

        List<Service> first = platform.services();
        List<Service> again = platform.services();

        assertThat(first).extracting(Service::stack).containsExactly("shop", null, "backend");
        assertThat(again).extracting(Service::stack).containsExactly("shop", null, "backend");
        // Stack names don't change: the second listing of services needs no stacks.
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/stack/")));
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/stack/?limit=1&offset=1")));
    }

    @Test
    void returnsTerminatedServices_forTheEngineToFilter() {
        stubThreePagesOfServicesAndTwoOfStacks();

        Service terminated = platform.services().get(1);

        assertThat(terminated.name()).isEqualTo("web");
        assertThat(terminated.state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(terminated.containerIds()).isEmpty();
    }

    @Test
    void mapsCountsStateLabelAndContainerIds() {
        stubThreePagesOfServicesAndTwoOfStacks();

        List<Service> services = platform.services();

        assertThat(services.get(0)).isEqualTo(new Service(WEB, "web", "shop", ServiceState.RUNNING, "Running", 2, 2,
                List.of("6f8ee454-9dc3-4387-80c3-57aac1be3cc6", "fdf9c116-7c08-4a60-b0ce-c54ca72c2f25")));
        assertThat(services.get(2)).isEqualTo(new Service(WORKER, "worker", "backend", ServiceState.PARTLY_RUNNING,
                "Partly running", 1, 2, List.of("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6")));
    }

    @Test
    void failsWithADecodeError_whenMetaNextLoops() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson(fixture("services-page-1.json"))));
        api.stubFor(get(urlEqualTo("/api/v1/service/?limit=1&offset=1")).willReturn(okJson(
                "{\"meta\": {\"next\": \"/api/v1/service/\"}, \"objects\": []}")));

        assertThatThrownBy(platform::services)
                .isInstanceOfSatisfying(PlatformException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PlatformException.Kind.DECODE);
                    assertThat(e.getMessage()).contains("meta.next", "/api/v1/service/?limit=1&offset=1")
                            .doesNotContain("\n");
                });
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/service/")));
    }

    @Test
    void readsUnknownFieldsAndAnUnknownState_asUnknown() {
        String id = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
        api.stubFor(get(urlEqualTo("/api/v1/service/" + id + "/"))
                .willReturn(okJson(fixture("service-unknown-state.json"))));

        Service service = platform.service(id);

        assertThat(service.state()).isEqualTo(ServiceState.UNKNOWN);
        assertThat(service.stateLabel()).isEqualTo("Hibernating");
        assertThat(service.stack()).isNull();
    }

    @Test
    void getsOneService_andItsStackNameOnce() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(okJson(fixture("service.json"))));
        api.stubFor(get(urlEqualTo(SHOP_STACK)).willReturn(okJson(fixture("stack.json"))));

        Service service = platform.service(WEB);
        platform.service(WEB);

        assertThat(service.name()).isEqualTo("web");
        assertThat(service.stack()).isEqualTo("shop");
        assertThat(service.isFullyRunning()).isTrue();
        api.verify(1, getRequestedFor(urlEqualTo(SHOP_STACK)));
    }

    @Test
    void givesNoStackName_whenTheStackIsGone() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(okJson(fixture("service.json"))));
        api.stubFor(get(urlEqualTo(SHOP_STACK)).willReturn(aResponse().withStatus(404)
                .withBody("{\"error\": \"Object not found\"}")));

        assertThat(platform.service(WEB).stack()).isNull();
    }

    @Test
    void sendsTheAuthorizationAsGiven_acceptJson_andZddsUserAgent() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(okJson(fixture("service.json"))));
        api.stubFor(get(urlEqualTo(SHOP_STACK)).willReturn(okJson(fixture("stack.json"))));
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse().withStatus(202)));

        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        platform.redeploy(platform.service(WEB), true);

        for (var request : List.of(getRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/")),
                getRequestedFor(urlEqualTo(SHOP_STACK)),
                postRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")))) {
            api.verify(1, request.withHeader("Authorization", equalTo(AUTHORIZATION))
                    .withHeader("Accept", equalTo("application/json"))
                    .withHeader("User-Agent", matching("zdd/\\S+")));
        }
    }

    @Test
    void redeploysAService_withAnEmptyJsonObject_andReturnsTheActionFromTheHeader() {
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Tutum-Action-URI", ACTION)
                .withBody(fixture("service-redeploy-202.json"))));

        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        Redeployment redeployment = platform.redeploy(service(WEB), true);

        assertThat(redeployment.actionId()).isEqualTo(ACTION);
        api.verify(1, postRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{}")));
    }

    @Test
    void asksNotToReuseVolumes_onlyWhenTold() {
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/?reuse_volumes=false"))
                .willReturn(aResponse().withStatus(202).withHeader("X-Tutum-Action-URI", ACTION)));

        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        Redeployment redeployment = platform.redeploy(service(WEB), false);

        assertThat(redeployment.actionId()).isEqualTo(ACTION);
        api.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/service/" + WEB + "/redeploy/")));
    }

    @Test
    void returnsNoAction_whenTheHeaderIsAbsent() {
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse().withStatus(202)
                .withBody(fixture("service-redeploy-202.json"))));

        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        Redeployment redeployment = platform.redeploy(service(WEB), true);

        assertThat(redeployment.hasAction()).isFalse();
    }

    @Test
    void redeploysOneContainer() {
        String id = "6f8ee454-9dc3-4387-80c3-57aac1be3cc6";
        api.stubFor(post(urlEqualTo("/api/v1/container/" + id + "/redeploy/?reuse_volumes=false"))
                .willReturn(aResponse().withStatus(202).withHeader("X-Tutum-Action-URI", ACTION)));
        Container container = new Container(id, "web-1", WEB, ContainerState.RUNNING, null, null);

        TutumFixtures.redeployable(api, "/api/v1/container/" + id + "/");
        assertThat(platform.redeploy(container, false).actionId()).isEqualTo(ACTION);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Success     | SUCCESS
            Failed      | FAILED
            Canceled    | CANCELED
            In progress | IN_PROGRESS
            Pending     | PENDING
            Canceling   | CANCELING
            Exploded    | UNKNOWN
            """)
    void mapsTheActionsState(String label, ActionState expected) {
        api.stubFor(get(urlEqualTo(ACTION)).willReturn(okJson(
                "{\"state\": \"" + label + "\", \"object\": \"/api/v1/service/" + WEB + "/\"}")));

        Action action = platform.action(ACTION);

        assertThat(action.state()).isEqualTo(expected);
        assertThat(action.stateLabel()).isEqualTo(label);
    }

    @Test
    void readsAnAction_atTheHostRelativeUriTheRedeployReturned() {
        api.stubFor(get(urlEqualTo(ACTION)).willReturn(okJson(fixture("action.json"))));

        Action action = platform.action(ACTION);

        assertThat(action).isEqualTo(new Action(ACTION, ActionState.IN_PROGRESS, "In progress", WEB,
                "Service Redeploy"));
    }

    @Test
    void readsAnAction_atAnAbsoluteUrlOnTheSameHost() {
        api.stubFor(get(urlEqualTo(ACTION)).willReturn(okJson(fixture("action.json"))));

        assertThat(platform.action(api.baseUrl() + ACTION).state()).isEqualTo(ActionState.IN_PROGRESS);
    }

    @Test
    void listsAServicesLiveContainers_withTheirHttpEndpoints() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(okJson(fixture("service.json"))));
        api.stubFor(get(urlPathEqualTo("/api/v1/container/"))
                .withQueryParam("service", equalTo("/api/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("containers.json"))));

        // A Service made elsewhere: the adapter looks its resource URI up first.
        List<Container> containers = platform.containers(service(WEB));

        assertThat(containers).containsExactly(
                new Container("6f8ee454-9dc3-4387-80c3-57aac1be3cc6", "web-1", WEB, ContainerState.RUNNING,
                        "Running", List.of(URI.create("http://web-1.admin.cont.tutum.io:49153/"))),
                new Container("fdf9c116-7c08-4a60-b0ce-c54ca72c2f25", "web-2", WEB, ContainerState.STARTING,
                        "Starting", List.of(URI.create("https://web-2.admin.cont.tutum.io:49160/"))));
        api.verify(1, getRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/")));
    }

    @Test
    void listsContainers_byTheServiceUriItListed() {
        stubThreePagesOfServicesAndTwoOfStacks();
        api.stubFor(get(urlPathEqualTo("/api/v1/container/"))
                .withQueryParam("service", equalTo("/api/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("containers.json"))));

        Service web = platform.services().get(0);

        assertThat(platform.containers(web)).extracting(Container::name).containsExactly("web-1", "web-2");
        api.verify(0, getRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/")));
    }

    @Test
    void getsOneContainer() {
        String id = "6f8ee454-9dc3-4387-80c3-57aac1be3cc6";
        api.stubFor(get(urlEqualTo("/api/v1/container/" + id + "/")).willReturn(okJson(fixture("container.json"))));

        Container container = platform.container(id);

        assertThat(container.serviceId()).isEqualTo(WEB);
        assertThat(container.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(container.httpEndpoints()).containsExactly(URI.create("http://web-1.admin.cont.tutum.io:49153/"));
    }

    @Test
    void keepsThePathPrefixOfTheApiUrl() {
        TutumPlatform behindProxy = TutumFixtures.platform(
                TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl() + "/tutum/", null), new FakeTime());
        api.stubFor(get(urlEqualTo("/tutum/api/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("service-unknown-state.json"))));

        assertThat(behindProxy.service(WEB).name()).isEqualTo("cache");
    }

    private static Service service(String id) {
        return new Service(id, "web", "shop", ServiceState.RUNNING, 2, 2);
    }

    @Test
    void unfinishedActions_keepsThePendingAndInProgressOnesOfTheServiceAndItsContainers() {
        String container = "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
        Service web = new Service(WEB, "web", null, ServiceState.RUNNING, "Running", 1, 1, List.of(container));
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(okJson(
                "{\"uuid\": \"" + WEB + "\", \"resource_uri\": \"/api/v1/service/" + WEB + "/\", \"name\": \"web\","
                + " \"state\": \"Running\", \"running_num_containers\": 1, \"target_num_containers\": 1}")));
        api.stubFor(get(urlEqualTo("/api/v1/action/?state=Pending")).willReturn(okJson(
                "{\"meta\": {\"next\": null}, \"objects\": [" + action("a1", "Pending", "service", WEB, "Service Redeploy")
                + ", " + action("a2", "Pending", "service", WORKER, "Service Redeploy") + "]}")));
        api.stubFor(get(urlEqualTo("/api/v1/action/?state=In%20progress")).willReturn(okJson(
                "{\"meta\": {\"next\": null}, \"objects\": [" + action("a3", "In progress", "container", container,
                "Container Redeploy") + "]}")));

        List<Action> unfinished = platform.unfinishedActions(List.of(web)).get(WEB);

        assertThat(unfinished).extracting(Action::name, Action::state).containsExactly(
                tuple("Service Redeploy", ActionState.PENDING), tuple("Container Redeploy", ActionState.IN_PROGRESS));
    }

    private static String action(String id, String state, String kind, String object, String name) {
        return "{\"uuid\": \"" + id + "\", \"resource_uri\": \"/api/v1/action/" + id + "/\", \"state\": \"" + state
               + "\", \"object\": \"/api/v1/" + kind + "/" + object + "/\", \"action\": \"" + name + "\"}";
    }
}
