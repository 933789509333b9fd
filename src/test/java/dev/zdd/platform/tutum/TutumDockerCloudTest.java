package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.zdd.platform.tutum.TutumFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
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

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumDockerCloudTest {

    static final String WEB = "09cbcf8d-a727-40d9-b420-c8e18b7fa55b";
    static final String ACTION_UUID = "6246c558-976c-4df6-ba60-eb1a344a17af";
    static final String ACTION = "/api/audit/v1/action/" + ACTION_UUID + "/";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private static void stubServicesAndStacksOfAcme() {
        api.stubFor(get(urlEqualTo("/api/app/v1/acme/service/"))
                .willReturn(okJson(fixture("dockercloud/services.json"))));
        api.stubFor(get(urlEqualTo("/api/app/v1/acme/stack/"))
                .willReturn(okJson(fixture("dockercloud/stacks.json"))));
    }

    private TutumPlatform dockerCloud(String namespace) {
        return TutumFixtures.platform(TutumFixtures.config(TutumConfig.Flavor.DOCKERCLOUD, api.baseUrl(), namespace),
                new FakeTime());
    }

    @Test
    void listsServicesAndStacks_inTheNamespace() {
        stubServicesAndStacksOfAcme();

        List<Service> services = dockerCloud("acme").services();

        assertThat(services).containsExactly(new Service(WEB, "web", "shop", ServiceState.RUNNING, "Running", 1, 1,
                List.of("6f8ee454-9dc3-4387-80c3-57aac1be3cc6")));
    }

    @Test
    void usesTheUsersOwnNamespace_whenNoneIsGiven() {
        api.stubFor(get(urlEqualTo("/api/app/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("service-unknown-state.json"))));

        assertThat(dockerCloud(null).service(WEB).name()).isEqualTo("cache");
    }

    @Test
    void redeploys_andReadsTheActionFromTheDockerCloudHeader() {
        api.stubFor(post(urlEqualTo("/api/app/v1/acme/service/" + WEB + "/redeploy/?reuse_volumes=false"))
                .willReturn(aResponse().withStatus(202).withHeader("X-DockerCloud-Action-URI", ACTION)));

        TutumFixtures.redeployable(api, "/api/app/v1/acme/service/" + WEB + "/");
        Redeployment redeployment = dockerCloud("acme")
                .redeploy(new Service(WEB, "web", "shop", ServiceState.RUNNING, 1, 1), false);

        assertThat(redeployment.actionId()).isEqualTo(ACTION);
    }

    @Test
    void ignoresTutumsActionHeader() {
        api.stubFor(post(urlEqualTo("/api/app/v1/service/" + WEB + "/redeploy/"))
                .willReturn(aResponse().withStatus(202).withHeader("X-Tutum-Action-URI", "/api/v1/action/x/")));

        TutumFixtures.redeployable(api, "/api/app/v1/service/" + WEB + "/");
        assertThat(dockerCloud(null).redeploy(new Service(WEB, "web", null, ServiceState.RUNNING, 1, 1), true)
                .hasAction()).isFalse();
    }

    @Test
    void readsActionsFromTheAuditApi_whichIsNotNamespaced() {
        api.stubFor(get(urlEqualTo(ACTION)).willReturn(okJson(fixture("dockercloud/action.json"))));
        TutumPlatform platform = dockerCloud("acme");

        Action fromHeader = platform.action(ACTION);
        Action fromUuid = platform.action(ACTION_UUID);

        assertThat(fromHeader).isEqualTo(new Action(ACTION, ActionState.SUCCESS, "Success", WEB, "Service Redeploy"));
        assertThat(fromUuid.state()).isEqualTo(ActionState.SUCCESS);
        api.verify(2, getRequestedFor(urlEqualTo(ACTION)));
    }

    @Test
    void listsContainers_inTheNamespace() {
        stubServicesAndStacksOfAcme();
        api.stubFor(get(urlPathEqualTo("/api/app/v1/acme/container/"))
                .withQueryParam("service", equalTo("/api/app/v1/acme/service/" + WEB + "/"))
                .willReturn(okJson(fixture("dockercloud/containers.json"))));
        TutumPlatform platform = dockerCloud("acme");

        List<Container> containers = platform.containers(platform.services().get(0));

        assertThat(containers).singleElement().satisfies(container -> {
            assertThat(container.serviceId()).isEqualTo(WEB);
            assertThat(container.httpEndpoints())
                    .containsExactly(URI.create("http://web-1.6f8ee454.cont.dockerapp.io:49153/"));
        });
    }

    @Test
    void sendsBackTheCookiesTheApiSet() {
        api.stubFor(get(urlEqualTo("/api/app/v1/service/" + WEB + "/")).willReturn(okJson(
                fixture("service-unknown-state.json")).withHeader("Set-Cookie", "liveid=abc123; Path=/; HttpOnly")));
        TutumPlatform platform = dockerCloud(null);

        platform.service(WEB);
        platform.service(WEB);

        api.verify(1, getRequestedFor(urlEqualTo("/api/app/v1/service/" + WEB + "/")).withCookie("liveid", absent()));
        api.verify(1, getRequestedFor(urlEqualTo("/api/app/v1/service/" + WEB + "/"))
                .withCookie("liveid", equalTo("abc123")));
    }
}
