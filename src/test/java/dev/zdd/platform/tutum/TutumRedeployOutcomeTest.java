package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.PlatformException.Kind;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A redeploy POST is never sent twice unless the first demonstrably did not start. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumRedeployOutcomeTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String WEB_URI = "/api/v1/service/" + WEB + "/";
    static final String REDEPLOY = WEB_URI + "redeploy/";
    static final String CONTAINER = "6f8ee454-9dc3-4387-80c3-57aac1be3cc6";
    static final String CONTAINER_URI = "/api/v1/container/" + CONTAINER + "/";
    static final String ACTIONS = "/api/v1/action/";
    static final String NEW_ACTION = "/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-111111111111/";
    static final String HEADER_ACTION = "/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-222222222222/";
    /** The fake clock starts at 2026-01-01T00:00:00Z, a Thursday. */
    static final String JUST_AFTER_SENDING = "Thu, 01 Jan 2026 00:00:01 +0000";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final FakeTime time = new FakeTime();
    private final TutumPlatform platform = TutumFixtures.platform(
            TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl(), null), time);

    @Test
    void aRedeployThatWasProcessedButWhoseAnswerWasLost_isAdopted_notSentAgain() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        serviceIs("Redeploying");
        actionsOn(WEB_URI, List.of(), List.of(redeployAction(NEW_ACTION, REDEPLOY, JUST_AFTER_SENDING)));

        Redeployment redeployment = platform.redeploy(web(), true);

        assertThat(redeployment.actionId()).isEqualTo(NEW_ACTION);
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
        assertThat(time.naps()).containsExactly(RetryPolicy.DEFAULT.lookupDelay());
    }

    @Test
    void aRedeployQueuedBehindAnotherClientsAndWhoseAnswerWasLost_isAdopted_notTheOtherOne() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        serviceIs("Redeploying");
        String theirs = action("/api/v1/action/theirs/", REDEPLOY, "In progress", "Wed, 31 Dec 2025 23:59:59 +0000");
        actionsOn(WEB_URI, List.of(theirs), List.of(action(NEW_ACTION, REDEPLOY, "Pending", JUST_AFTER_SENDING),
                theirs));

        Redeployment redeployment = platform.redeploy(web(), true);

        assertThat(redeployment.actionId()).isEqualTo(NEW_ACTION);
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aPendingRedeployWithoutAStartDateYet_isAdopted() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        serviceIs("Redeploying");
        actionsOn(WEB_URI, List.of(), List.of("{\"resource_uri\": \"" + NEW_ACTION + "\", \"action\": \"Service "
                           + "Redeploy\", \"method\": \"POST\", \"path\": \"" + REDEPLOY + "\", \"state\": \"Pending\", "
                           + "\"start_date\": null}"));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(NEW_ACTION);
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aRedeployThatNeverStarted_isSentAgainExactlyOnce() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("sent once"));
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs("sent once")
                .willReturn(accepted()));
        serviceIs("Running");
        actionsOn(WEB_URI);

        Redeployment redeployment = platform.redeploy(web(), true);

        assertThat(redeployment.actionId()).isEqualTo(HEADER_ACTION);
        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
        // Once before the first POST, once after its answer was lost; that listing is the line for the second.
        api.verify(2, getRequestedFor(urlPathEqualTo(ACTIONS)).withQueryParam("object", equalTo(WEB_URI)));
    }

    @Test
    void anOlderRedeployAndActionsOfOtherKinds_doNotCountAsThisOne() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("sent once"));
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs("sent once")
                .willReturn(accepted()));
        serviceIs("Running");
        actionsOn(WEB_URI,
                redeployAction("/api/v1/action/old/", REDEPLOY, "Wed, 31 Dec 2025 23:50:00 +0000"),
                redeployAction("/api/v1/action/stop/", WEB_URI + "stop/", JUST_AFTER_SENDING));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(HEADER_ACTION);

        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aServiceAlreadyRedeploying_meansItStarted_evenWithoutAnActionToShow() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withStatus(504)));
        serviceIs("Redeploying");
        actionsOn(WEB_URI);

        Redeployment redeployment = platform.redeploy(web(), true);

        assertThat(redeployment.hasAction()).isFalse();
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void withThePlatformsClock5MinutesBehind_aRedeployThatStarted_isAdopted_notSentTwice() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        serviceIs("Running");
        // Our clock says 00:00:00; the platform's says 23:55:00 the day before.
        actionsOn(WEB_URI, List.of(), List.of(redeployAction(NEW_ACTION, REDEPLOY, "Wed, 31 Dec 2025 23:55:01 +0000")));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(NEW_ACTION);

        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void withThePlatformsClock5MinutesAhead_anEarlierRedeploy_isNotTakenForThisOne() {
        sentOnceLostThenAccepted();
        serviceIs("Running");
        // Finished a minute ago by the platform's clock, which is 5 minutes ahead: 4 minutes "after" ours.
        String earlier = redeployAction("/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-333333333333/", REDEPLOY,
                "Thu, 01 Jan 2026 00:04:00 +0000").replace("In progress", "Success");
        actionsOn(WEB_URI, List.of(earlier), List.of(earlier));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(HEADER_ACTION);

        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aFinishedRedeployOfTheSameService10sBefore_isNotTakenForThisOne() {
        sentOnceLostThenAccepted();
        serviceIs("Running");
        String earlier = redeployAction("/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-444444444444/", REDEPLOY,
                "Wed, 31 Dec 2025 23:59:50 +0000").replace("In progress", "Success");
        actionsOn(WEB_URI, List.of(earlier), List.of(earlier));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(HEADER_ACTION);

        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aNewRedeployNextToAnOldOne_isTheOneAdopted() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        serviceIs("Running");
        String earlier = redeployAction("/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-444444444444/", REDEPLOY,
                "Wed, 31 Dec 2025 23:59:50 +0000").replace("In progress", "Success");
        String ours = redeployAction(NEW_ACTION, REDEPLOY, "Wed, 31 Dec 2025 23:59:40 +0000");
        actionsOn(WEB_URI, List.of(earlier), List.of(ours, earlier));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(NEW_ACTION);

        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    private static void sentOnceLostThenAccepted() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("sent once"));
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("lost").whenScenarioStateIs("sent once")
                .willReturn(accepted()));
    }

    @Test
    void twoLostAnswersWithNothingStarted_failWithoutAThirdSend() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        serviceIs("Running");
        actionsOn(WEB_URI);

        PlatformException e = catchThrowableOfType(PlatformException.class, () -> platform.redeploy(web(), true));

        assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(e.getMessage()).startsWith("POST " + REDEPLOY + " failed: ")
                .contains("(sent twice, and neither time did the redeploy start)").doesNotContain("\n");
        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void whenTheLookupFailsToo_nothingIsSentAgain_andTheMessageSaysToLookFirst() {
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        api.stubFor(get(urlPathEqualTo(ACTIONS)).willReturn(aResponse().withStatus(403)));
        serviceIs("Running");

        PlatformException e = catchThrowableOfType(PlatformException.class, () -> platform.redeploy(web(), true));

        assertThat(e.getMessage()).contains("whether the redeploy started is unknown",
                "answered 403 Forbidden", "look at the service before running zdd again");
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
    }

    @Test
    void aThrottledRedeploy_wasNotActedOn_soItIsSentAgainAfterTheWait() {
        serviceIs("Running");
        actionsOn(WEB_URI);
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("throttled").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("later"));
        api.stubFor(post(urlEqualTo(REDEPLOY)).inScenario("throttled").whenScenarioStateIs("later")
                .willReturn(accepted()));

        assertThat(platform.redeploy(web(), true).actionId()).isEqualTo(HEADER_ACTION);

        api.verify(2, postRequestedFor(urlEqualTo(REDEPLOY)));
        // Only the listing before the first POST: a 429 is known not to have been acted on.
        api.verify(1, getRequestedFor(urlPathEqualTo(ACTIONS)));
        assertThat(time.naps()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void aBusyService_isReported_notRetried() {
        serviceIs("Running");
        actionsOn(WEB_URI);
        api.stubFor(post(urlEqualTo(REDEPLOY)).willReturn(aResponse().withStatus(409)
                .withBody("{\"error\": \"Service is being redeployed\"}")));

        PlatformException e = catchThrowableOfType(PlatformException.class, () -> platform.redeploy(web(), true));

        assertThat(e.kind()).isEqualTo(Kind.STATUS);
        assertThat(e.getMessage()).isEqualTo("POST " + REDEPLOY + " answered 409 Conflict: Service is being "
                + "redeployed; it may be busy with another action: wait until it is Running, then run zdd again");
        api.verify(1, postRequestedFor(urlEqualTo(REDEPLOY)));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void aContainerRedeployThatWasProcessed_isAdopted_notSentAgain() {
        String redeploy = CONTAINER_URI + "redeploy/";
        api.stubFor(get(urlEqualTo(CONTAINER_URI)).willReturn(okJson(TutumFixtures.fixture("container.json"))));
        api.stubFor(post(urlEqualTo(redeploy)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        actionsOn(CONTAINER_URI, List.of(), List.of(redeployAction(NEW_ACTION, redeploy, JUST_AFTER_SENDING)));

        Container container = new Container(CONTAINER, "web-1", WEB, ContainerState.RUNNING, "Running", List.of());
        Redeployment redeployment = platform.redeploy(container, true);

        assertThat(redeployment.actionId()).isEqualTo(NEW_ACTION);
        api.verify(1, postRequestedFor(urlEqualTo(redeploy)));
    }

    @Test
    void aContainerRedeployThatNeverStarted_isSentAgainExactlyOnce() {
        String redeploy = CONTAINER_URI + "redeploy/?reuse_volumes=false";
        api.stubFor(get(urlEqualTo(CONTAINER_URI)).willReturn(okJson(TutumFixtures.fixture("container.json"))));
        api.stubFor(post(urlEqualTo(redeploy)).inScenario("lost").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("sent once"));
        api.stubFor(post(urlEqualTo(redeploy)).inScenario("lost").whenScenarioStateIs("sent once")
                .willReturn(accepted()));
        actionsOn(CONTAINER_URI);

        Container container = new Container(CONTAINER, "web-1", WEB, ContainerState.RUNNING, "Running", List.of());
        assertThat(platform.redeploy(container, false).actionId()).isEqualTo(HEADER_ACTION);

        api.verify(2, postRequestedFor(urlEqualTo(redeploy)));
    }

    private static ResponseDefinitionBuilder accepted() {
        return aResponse().withStatus(202).withHeader("X-Tutum-Action-URI", HEADER_ACTION)
                .withHeader("Content-Type", "application/json")
                .withBody(TutumFixtures.fixture("service-redeploy-202.json"));
    }

    private static void serviceIs(String state) {
        api.stubFor(get(urlEqualTo(WEB_URI)).willReturn(okJson("{\"uuid\": \"" + WEB + "\", \"resource_uri\": \""
                + WEB_URI + "\", \"name\": \"web\", \"state\": \"" + state + "\", \"running_num_containers\": 1, "
                + "\"target_num_containers\": 1}")));
    }

    /** The same actions before the POST and after it. */
    private static void actionsOn(String objectUri, String... actions) {
        api.stubFor(get(urlPathEqualTo(ACTIONS)).withQueryParam("object", equalTo(objectUri))
                .willReturn(page(actions)));
    }

    /** The actions the first listing (before the POST) shows, and those every later listing shows. */
    private static void actionsOn(String objectUri, List<String> before, List<String> after) {
        api.stubFor(get(urlPathEqualTo(ACTIONS)).withQueryParam("object", equalTo(objectUri))
                .inScenario("actions").whenScenarioStateIs(STARTED)
                .willReturn(page(before.toArray(String[]::new))).willSetStateTo("listed"));
        api.stubFor(get(urlPathEqualTo(ACTIONS)).withQueryParam("object", equalTo(objectUri))
                .inScenario("actions").whenScenarioStateIs("listed")
                .willReturn(page(after.toArray(String[]::new))));
    }

    private static ResponseDefinitionBuilder page(String... actions) {
        return okJson("{\"meta\": {\"next\": null}, \"objects\": [" + String.join(", ", actions) + "]}");
    }

    private static String action(String uri, String path, String state, String startDate) {
        return "{\"resource_uri\": \"" + uri + "\", \"action\": \"Service Redeploy\", \"method\": \"POST\", "
               + "\"path\": \"" + path + "\", \"state\": \"" + state + "\", \"start_date\": \"" + startDate
               + "\"}";
    }

    private static String redeployAction(String uri, String path, String startDate) {
        return "{\"resource_uri\": \"" + uri + "\", \"action\": \"Service Redeploy\", \"method\": \"POST\", "
               + "\"path\": \"" + path + "\", \"state\": \"In progress\", \"start_date\": \"" + startDate + "\"}";
    }

    private static Service web() {
        return new Service(WEB, "web", null, ServiceState.RUNNING, 1, 1);
    }
}
