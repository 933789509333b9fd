package dev.zdd.platform.swarm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several managers of one Swarm, as two fake engines: reads go on through the next when one does not answer; an
 * update whose answer was lost is looked up by the spec's version and ForceUpdate before anything is sent again.
 */
@Timeout(30)
class SwarmManagersTest {

    private static final String ID = "k3v8o2m1xq7dh4n0c9t5s6w2a";
    private static final Service WEB = new Service(ID, "web", null, ServiceState.RUNNING, 1, 1);
    private static final String UPDATE = "/services/" + ID + "/update";

    private final FakeTime time = new FakeTime();
    private WireMockServer first;
    private WireMockServer second;

    @BeforeEach
    void startEngines() {
        first = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        second = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        first.start();
        second.start();
    }

    @AfterEach
    void stopEngines() {
        first.stop();
        second.stop();
    }

    private static String service(long version, long forceUpdate) {
        return """
                {"ID":"%s","Version":{"Index":%d},"Spec":{"Name":"web","Mode":{"Replicated":{"Replicas":1}},
                 "TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":%d}}}
                """.formatted(ID, version, forceUpdate);
    }

    private SwarmPlatform platform(String hosts) {
        return new SwarmPlatform(new SwarmConfig(URI.create("unix:///unused"), false, null).withDockerHosts(hosts),
                time, time);
    }

    private static String at(WireMockServer engine) {
        return "tcp://127.0.0.1:" + engine.port();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aReadGoesOnThroughTheNextManager_whenOneRefusesTheConnection() throws Exception {
        second.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 0))));
        second.stubFor(get(urlPathEqualTo("/tasks")).willReturn(okJson("[]")));

        try (SwarmPlatform platform = platform("tcp://127.0.0.1:" + closedPort() + "," + at(second))) {
            assertThat(platform.service(ID).name()).isEqualTo("web");
            assertThat(platform.describe()).contains(",");
        }
        assertThat(time.naps()).as("the next manager is tried at once").isEmpty();
    }

    @Test
    void aManagerThatCanNotServe_noLeader_orARaftTimeout_isLeftForTheNext_afterARoundWithANap() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\":\"rpc error: code = Unknown desc = The swarm does not have a leader.\"}")));
        second.stubFor(get(urlPathEqualTo("/services/" + ID))
                .inScenario("election").whenScenarioStateIs("Started").willSetStateTo("elected")
                .willReturn(aResponse().withStatus(500).withBody("{\"message\":\"rpc error: code = DeadlineExceeded"
                                                                 + " desc = context deadline exceeded\"}")));
        second.stubFor(get(urlPathEqualTo("/services/" + ID))
                .inScenario("election").whenScenarioStateIs("elected").willReturn(okJson(service(10, 0))));
        second.stubFor(get(urlPathEqualTo("/tasks")).willReturn(okJson("[]")));

        try (SwarmPlatform platform = platform(at(first) + "," + at(second))) {
            assertThat(platform.service(ID).name()).isEqualTo("web");
        }
        // first (no leader), second (raft timeout): a round in which none answered, then second again, which answers
        assertThat(time.naps()).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void whenNoManagerAnswers_theReadFailsOnceTheWindowIsSpent_namingThemAll() throws Exception {
        String hosts = "tcp://127.0.0.1:" + closedPort() + ",tcp://127.0.0.1:" + closedPort();
        try (SwarmPlatform platform = platform(hosts)) {
            assertThatThrownBy(() -> platform.service(ID)).isInstanceOfSatisfying(PlatformException.class, e -> {
                assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT);
                assertThat(e.getMessage()).contains("no manager of the Swarm answered", hosts);
            });
        }
        assertThat(time.totalSlept()).isLessThanOrEqualTo(DockerApi.FAILOVER_WINDOW);
        assertThat(time.naps()).contains(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(4));
    }

    @Test
    void theWindowEndsAtTheStepDeadline_too() throws Exception {
        String hosts = "tcp://127.0.0.1:" + closedPort() + ",tcp://127.0.0.1:" + closedPort();
        try (SwarmPlatform platform = platform(hosts)) {
            platform.callsUntil(time.instant().plusSeconds(1));
            assertThatThrownBy(() -> platform.service(ID)).isInstanceOf(PlatformException.class);
        }
        assertThat(time.totalSlept()).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void withOneManager_nothingIsTriedTwice() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\":\"rpc error: code = Unknown desc = The swarm does not have a leader.\"}")));

        try (SwarmPlatform platform = platform(at(first))) {
            assertThatThrownBy(() -> platform.service(ID)).isInstanceOf(PlatformException.class);
        }
        first.verify(1, getRequestedFor(urlPathEqualTo("/services/" + ID)));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void anUpdateWhoseAnswerWasLost_butWhichSwarmHas_isNotSentAgain() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 4))));
        first.stubFor(post(urlPathEqualTo(UPDATE))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        // The next manager shows the update applied: a newer version, and zdd's ForceUpdate.
        second.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(11, 5))));

        try (SwarmPlatform platform = platform(at(first) + "," + at(second))) {
            Redeployment redeployment = platform.redeploy(WEB, true);

            assertThat(redeployment.actionId()).isEqualTo(ID + "/force-update/5");
        }
        first.verify(1, postRequestedFor(urlPathEqualTo(UPDATE)));
        second.verify(0, postRequestedFor(urlPathEqualTo(UPDATE)));
    }

    @Test
    void anUpdateThatDidNotReachSwarm_isSentOnceMore_throughTheNextManager_atTheSameVersion() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 4))));
        first.stubFor(post(urlPathEqualTo(UPDATE))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        second.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 4))));
        second.stubFor(post(urlPathEqualTo(UPDATE)).willReturn(okJson("{\"Warnings\":null}")));

        try (SwarmPlatform platform = platform(at(first) + "," + at(second))) {
            assertThat(platform.redeploy(WEB, true).actionId()).isEqualTo(ID + "/force-update/5");
        }
        first.verify(1, postRequestedFor(urlPathEqualTo(UPDATE)));
        second.verify(1, postRequestedFor(urlPathEqualTo(UPDATE)).withQueryParam("version",
                        equalTo("10"))
                .withRequestBody(matchingJsonPath("$.TaskTemplate.ForceUpdate", equalTo("5"))));
    }

    @Test
    void anUpdateWhoseServiceSomeoneElseChangedMeanwhile_isNotSentAgain_andSaysSo() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 4))));
        first.stubFor(post(urlPathEqualTo(UPDATE))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        second.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(12, 4))));

        try (SwarmPlatform platform = platform(at(first) + "," + at(second))) {
            assertThatThrownBy(() -> platform.redeploy(WEB, true)).isInstanceOfSatisfying(PlatformException.class,
                    e -> assertThat(e.getMessage()).contains("changed by someone else", "did not send it again"));
        }
        second.verify(0, postRequestedFor(urlPathEqualTo(UPDATE)));
    }

    @Test
    void withOneManager_anUpdateWithoutAnAnswerFailsAsBefore_andIsNotSentAgain() {
        first.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson(service(10, 4))));
        first.stubFor(post(urlPathEqualTo(UPDATE))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        try (SwarmPlatform platform = platform(at(first))) {
            assertThatThrownBy(() -> platform.redeploy(WEB, true)).isInstanceOf(PlatformException.class);
        }
        first.verify(1, postRequestedFor(urlPathEqualTo(UPDATE)));
    }
}
