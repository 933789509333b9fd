package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.time.FakeTime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(15)
class SandboxApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private Sandbox sandbox;
    private ApiClient api;

    private void start(Sandbox.Builder builder) throws Exception {
        sandbox = builder.bootTime(Duration.ofMillis(50)).warmup(Duration.ZERO).events(events::add).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void refusesRequestsWithoutTheRightCredentials() throws Exception {
        start(Sandbox.builder().apiKey("right"));

        ApiClient.Answer none = new ApiClient(sandbox.apiUrl(), null).get("/api/v1/service/");
        ApiClient.Answer wrong = new ApiClient(sandbox.apiUrl(), "Basic " + java.util.Base64.getEncoder()
                .encodeToString("sandbox:wrong".getBytes(StandardCharsets.UTF_8))).get("/api/v1/service/");
        ApiClient.Answer legacy = new ApiClient(sandbox.apiUrl(), "ApiKey sandbox:right").get("/api/v1/service/");

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("error").asText()).isNotBlank();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(api.get("/api/v1/service/").status()).isEqualTo(200);
    }

    @Test
    void listsServicesInTheTutumEnvelope() throws Exception {
        start(Sandbox.builder().services(List.of("web-1", "web-2", "api.shop")).containersPerService(2));

        JsonNode list = api.get("/api/v1/service/").json();

        assertThat(list.path("meta").path("limit").asInt()).isEqualTo(25);
        assertThat(list.path("meta").path("offset").asInt()).isZero();
        assertThat(list.path("meta").path("total_count").asInt()).isEqualTo(3);
        assertThat(list.path("meta").path("next").isNull()).isTrue();
        assertThat(list.path("meta").path("previous").isNull()).isTrue();
        JsonNode web1 = list.path("objects").get(0);
        assertThat(web1.path("name").asText()).isEqualTo("web-1");
        assertThat(web1.path("state").asText()).isEqualTo("Running");
        assertThat(web1.path("resource_uri").asText()).isEqualTo("/api/v1/service/" + web1.path("uuid").asText() + "/");
        assertThat(web1.path("stack").isNull()).isTrue();
        assertThat(web1.path("target_num_containers").asInt()).isEqualTo(2);
        assertThat(web1.path("running_num_containers").asInt()).isEqualTo(2);
        assertThat(web1.path("current_num_containers").asInt()).isEqualTo(2);
        assertThat(web1.path("containers")).hasSize(2);
        assertThat(web1.path("deployed_datetime").asText())
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
        JsonNode shop = list.path("objects").get(2);
        assertThat(shop.path("name").asText()).isEqualTo("api");
        JsonNode stack = api.get(shop.path("stack").asText()).json();
        assertThat(stack.path("name").asText()).isEqualTo("shop");
        assertThat(stack.path("services").get(0).asText()).isEqualTo(shop.path("resource_uri").asText());
        assertThat(api.get("/api/v1/stack/").json().path("objects")).hasSize(1);
    }

    @Test
    void pagesWithLimitAndOffsetAndAHostRelativeNext() throws Exception {
        start(Sandbox.builder().services(List.of("a", "b", "c")));

        JsonNode first = api.get("/api/v1/service/?limit=2").json();
        String next = first.path("meta").path("next").asText();
        JsonNode second = api.get(next).json();

        assertThat(names(first)).containsExactly("a", "b");
        assertThat(next).startsWith("/api/v1/service/?").contains("limit=2").contains("offset=2");
        assertThat(names(second)).containsExactly("c");
        assertThat(second.path("meta").path("next").isNull()).isTrue();
        assertThat(second.path("meta").path("previous").asText()).contains("offset=0");
        assertThat(second.path("meta").path("total_count").asInt()).isEqualTo(3);
    }

    @Test
    void filtersServicesByNameAndStateAndNameDotStack() throws Exception {
        start(Sandbox.builder().services(List.of("web.shop", "web.blog", "db")));

        assertThat(names(api.get("/api/v1/service/?name=web").json())).containsExactly("web", "web");
        assertThat(names(api.get("/api/v1/service/?name=web&stack__name=blog").json())).containsExactly("web");
        assertThat(names(api.get("/api/v1/service/?state=Running").json())).hasSize(3);
        assertThat(names(api.get("/api/v1/service/?state=Stopped").json())).isEmpty();
        assertThat(names(api.get("/api/v1/service/?colour=red").json())).hasSize(3); // not a field: ignored
    }

    @Test
    void answersUnknownPathsAndObjectsWith404AndAnErrorBody() throws Exception {
        start(Sandbox.builder());

        ApiClient.Answer unknown = api.get("/api/v1/volume/");
        ApiClient.Answer noSlash = api.get("/api/v1/service");
        ApiClient.Answer missing = api.get("/api/v1/service/00000000-0000-4000-8000-000000000000/");
        ApiClient.Answer wrongMethod = api.send("DELETE", "/api/v1/service/");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").asText()).isNotBlank();
        assertThat(noSlash.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(wrongMethod.status()).isEqualTo(405);
    }

    @Test
    void redeploysAServiceAndAnswers202WithTheActionHeader() throws Exception {
        start(Sandbox.builder().services(List.of("web-1")).containersPerService(2));
        JsonNode before = api.service("web-1");
        List<String> oldContainers = texts(before.path("containers"));
        List<Integer> ports = ports(oldContainers);

        ApiClient.Answer accepted = api.post(before.path("resource_uri").asText() + "redeploy/");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("state").asText()).isEqualTo("Redeploying");
        assertThat(accepted.json().path("uuid").asText()).isEqualTo(before.path("uuid").asText());
        String actionUri = accepted.header("X-Tutum-Action-URI");
        assertThat(actionUri).matches("/api/v1/action/[0-9a-f-]{36}/");
        JsonNode action = api.await(actionUri, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(action.path("object").asText()).isEqualTo(before.path("resource_uri").asText());
        assertThat(action.path("action").asText()).isEqualTo("Service Redeploy");
        assertThat(action.path("end_date").asText()).endsWith("+0000");
        JsonNode after = api.service("web-1");
        assertThat(after.path("state").asText()).isEqualTo("Running");
        assertThat(after.path("running_num_containers").asInt()).isEqualTo(2);
        List<String> newContainers = texts(after.path("containers"));
        assertThat(newContainers).hasSize(2).doesNotContainAnyElementsOf(oldContainers);
        assertThat(ports(newContainers)).isEqualTo(ports);
        assertThat(newContainers.stream().map(uri -> api.get(uri).json().path("name").asText()))
                .containsExactly("web-1-1", "web-1-2");
        for (String old : oldContainers) {
            assertThat(api.get(old).json().path("state").asText()).isEqualTo("Terminated");
        }
        JsonNode listed = api.get("/api/v1/container/?service=" + encode(after.path("resource_uri").asText())).json();
        assertThat(listed.path("meta").path("total_count").asInt()).isEqualTo(4); // recently terminated included
    }

    @Test
    void listsTerminatedContainersOnlyForAWhileButStillFindsThemByUuid() throws Exception {
        FakeTime time = new FakeTime();
        start(Sandbox.builder().services(List.of("web")).clock(time).sleeper(time));
        String old = api.service("web").path("containers").get(0).asText();
        String action = api.post(api.service("web").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await(action, a -> a.path("state").asText().equals("Success"), WAIT);

        assertThat(api.get("/api/v1/container/").json().path("meta").path("total_count").asInt()).isEqualTo(2);
        time.advance(Orchestrator.TERMINATED_LISTED_FOR.plusSeconds(1));
        assertThat(api.get("/api/v1/container/").json().path("meta").path("total_count").asInt()).isEqualTo(1);
        assertThat(api.get(old).json().path("state").asText()).isEqualTo("Terminated");
    }

    @Test
    void replacesContainersOneAfterAnotherStopBeforeStart() throws Exception {
        start(Sandbox.builder().services(List.of("web")).containersPerService(2));
        JsonNode service = api.service("web");

        String actionUri = api.post(service.path("resource_uri").asText() + "redeploy/").header("X-Tutum-Action-URI");
        api.await(actionUri, a -> a.path("state").asText().equals("Success"), WAIT);

        assertThat(events.stream().map(e -> e.replaceAll(" \\(.*\\)", "")).toList()).containsExactly(
                "web Redeploying",
                "web-1 Terminating", "web-1 Terminated", "web-1 Starting", "web-1 Running",
                "web-2 Terminating", "web-2 Terminated", "web-2 Starting", "web-2 Running",
                "web Running", "Service Redeploy of web Success");
    }

    @Test
    void refusesAStopWhileARedeployIsInProgress() throws Exception {
        start(Sandbox.builder().services(List.of("web-1")));
        sandbox.hangNextRedeploy("web-1");
        String uri = api.service("web-1").path("resource_uri").asText();

        api.post(uri + "redeploy/");
        ApiClient.Answer stop = api.post(uri + "stop/");

        assertThat(stop.status()).isEqualTo(409);
        assertThat(stop.json().path("error").asText()).contains("web-1", "action in progress");
    }

    @Test
    void aRehearsedFailureEndsTheActionFailedAndTheServiceStopped() throws Exception {
        start(Sandbox.builder().services(List.of("solo", "pair")).containersPerService(1));
        sandbox.failNextRedeploy("solo");

        String action = api.post(api.service("solo").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");

        api.await(action, a -> a.path("state").asText().equals("Failed"), WAIT);
        assertThat(api.service("solo").path("state").asText()).isEqualTo("Stopped");
        // one-shot: the next redeploy brings it back
        String retry = api.post(api.service("solo").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await(retry, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.service("solo").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void aRehearsedFailureLeavesATwoContainerServicePartlyRunning() throws Exception {
        start(Sandbox.builder().services(List.of("web")).containersPerService(2).failing(List.of("web")));

        String action = api.post(api.service("web").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");

        api.await(action, a -> a.path("state").asText().equals("Failed"), WAIT);
        JsonNode service = api.service("web");
        assertThat(service.path("state").asText()).isEqualTo("Partly running");
        assertThat(service.path("running_num_containers").asInt()).isEqualTo(1);
        assertThat(service.path("stopped_num_containers").asInt()).isEqualTo(1);
    }

    @Test
    void aRehearsedHangNeverFinishesAndClosesCleanly() throws Exception {
        start(Sandbox.builder().services(List.of("web")).hanging(List.of("web")));

        String action = api.post(api.service("web").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await("/api/v1/container/?state=Starting", c -> c.path("meta").path("total_count").asInt() == 1, WAIT);
        Thread.sleep(200); // four boot times: long enough for a redeploy that was going to finish

        assertThat(api.get(action).json().path("state").asText()).isEqualTo("In progress");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Redeploying");
        long start = System.nanoTime();
        sandbox.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void redeploysOneContainerIntoANewObjectOnTheSamePort() throws Exception {
        FakeTime time = new FakeTime();
        GatedSleeper boot = new GatedSleeper(time);
        start(Sandbox.builder().services(List.of("web")).containersPerService(2).clock(time).sleeper(boot));
        JsonNode service = api.service("web");
        String first = service.path("containers").get(0).asText();
        JsonNode old = api.get(first).json();

        ApiClient.Answer accepted = api.post(first + "redeploy/");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("uuid").asText()).isEqualTo(old.path("uuid").asText());
        assertThat(accepted.json().path("state").asText()).isEqualTo("Terminating");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Partly running");
        boot.release();
        JsonNode action = api.await(accepted.header("X-Tutum-Action-URI"),
                a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(action.path("action").asText()).isEqualTo("Container Redeploy");
        JsonNode after = api.service("web");
        assertThat(after.path("state").asText()).isEqualTo("Running");
        String replacement = after.path("containers").get(0).asText();
        assertThat(replacement).isNotEqualTo(first);
        JsonNode fresh = api.get(replacement).json();
        assertThat(fresh.path("name").asText()).isEqualTo(old.path("name").asText());
        assertThat(fresh.path("container_ports").get(0).path("endpoint_uri").asText())
                .isEqualTo(old.path("container_ports").get(0).path("endpoint_uri").asText());
        assertThat(api.get(first).json().path("state").asText()).isEqualTo("Terminated");
    }

    @Test
    void listsAnObjectsActionsNewestFirst() throws Exception {
        start(Sandbox.builder().services(List.of("web")));
        String uri = api.service("web").path("resource_uri").asText();
        String first = api.post(uri + "redeploy/").header("X-Tutum-Action-URI");
        api.await(first, a -> a.path("state").asText().equals("Success"), WAIT);
        String second = api.post(uri + "redeploy/").header("X-Tutum-Action-URI");

        JsonNode actions = api.get("/api/v1/action/?object=" + encode(uri)).json();

        assertThat(texts(actions.path("objects"), "resource_uri")).containsExactly(second, first);
        assertThat(api.get("/api/v1/action/?object=" + encode("/api/v1/service/nope/")).json().path("objects"))
                .isEmpty();
    }

    private List<Integer> ports(List<String> containerUris) {
        return containerUris.stream()
                .map(uri -> api.get(uri).json().path("container_ports").get(0).path("outer_port").asInt()).toList();
    }

    private static List<String> names(JsonNode list) {
        return texts(list.path("objects"), "name");
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
