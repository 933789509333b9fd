package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 1 of issue 17, from Tutum 0.14.0's release notes: "Service Redeploy triggers are now queued when there is an
 * action being performed on the service or any of its containers", and the action state {@code Pending}: "waiting
 * for an in progress action".
 */
@Timeout(20)
class QueuedRedeployTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final FakeTime time = new FakeTime();
    private final GatedSleeper boot = new GatedSleeper(time);
    private Sandbox sandbox;
    private ApiClient api;

    private void start(int containers) throws Exception {
        sandbox = Sandbox.builder().services(List.of("web")).containersPerService(containers).clock(time)
                .sleeper(boot).warmup(Duration.ZERO).events(events::add).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aRedeployWhileAnotherRuns_isAccepted202AsAPendingAction_thatStartsWhenTheFirstEnds() throws Exception {
        start(1);
        String service = api.service("web").path("resource_uri").asText();
        ApiClient.Answer first = api.post(service + "redeploy/");

        ApiClient.Answer second = api.post(service + "redeploy/");

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().path("state").asText()).isEqualTo("Redeploying");
        String firstAction = first.header("X-Tutum-Action-URI");
        String queued = second.header("X-Tutum-Action-URI");
        assertThat(queued).matches("/api/v1/action/[0-9a-f-]{36}/").isNotEqualTo(firstAction);
        JsonNode pending = api.get(queued).json();
        assertThat(pending.path("state").asText()).isEqualTo("Pending");
        assertThat(pending.path("action").asText()).isEqualTo("Service Redeploy");
        assertThat(pending.path("object").asText()).isEqualTo(service);
        assertThat(pending.path("start_date").asText()).endsWith("+0000");
        assertThat(pending.path("end_date").isNull()).isTrue();
        assertThat(api.get(firstAction).json().path("state").asText()).isEqualTo("In progress");

        boot.release(); // the first redeploy's container boots
        api.await(firstAction, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.get(queued).json().path("state").asText()).isEqualTo("In progress");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Redeploying");

        boot.release();
        api.await(queued, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
        // Between the two, the service never said Running: the second took over in the same instant.
        List<String> lines = events.stream().map(e -> e.replaceAll(" \\(.*\\)", "")).toList();
        assertThat(lines).containsSubsequence("web Redeploying", "Service Redeploy of web Pending",
                "Service Redeploy of web Success", "Service Redeploy of web In progress", "web Running",
                "Service Redeploy of web Success");
        assertThat(lines.subList(0, lines.indexOf("web Running"))).doesNotContain("web Running");
        // Two redeploys, two containers replaced one after the other.
        assertThat(api.get("/api/v1/container/?state=Terminated").json().path("meta").path("total_count").asInt())
                .isEqualTo(2);
    }

    @Test
    void aServiceRedeployWhileOneOfItsContainersIsRedeployed_isQueuedToo() throws Exception {
        start(2);
        JsonNode service = api.service("web");
        String container = service.path("containers").get(1).asText();
        String containerAction = api.post(container + "redeploy/").header("X-Tutum-Action-URI");

        ApiClient.Answer redeploy = api.post(service.path("resource_uri").asText() + "redeploy/");

        assertThat(redeploy.status()).isEqualTo(202);
        String queued = redeploy.header("X-Tutum-Action-URI");
        assertThat(api.get(queued).json().path("state").asText()).isEqualTo("Pending");
        boot.release();
        api.await(containerAction, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.get(queued).json().path("state").asText()).isEqualTo("In progress");
        boot.release();
        boot.release();
        api.await(queued, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void aContainerRedeployQueuedBehindItsServicesRedeploy_failsWhenItsContainerWasReplacedMeanwhile()
            throws Exception {
        start(2);
        JsonNode service = api.service("web");
        // The second container: the service's redeploy replaces it only after the first one's replacement booted.
        String container = service.path("containers").get(1).asText();
        String serviceAction = api.post(service.path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");

        ApiClient.Answer containerRedeploy = api.post(container + "redeploy/");

        assertThat(containerRedeploy.status()).isEqualTo(202);
        String queued = containerRedeploy.header("X-Tutum-Action-URI");
        assertThat(api.get(queued).json().path("state").asText()).isEqualTo("Pending");
        boot.release();
        boot.release();
        api.await(serviceAction, a -> a.path("state").asText().equals("Success"), WAIT);
        JsonNode failed = api.await(queued, a -> a.path("state").asText().equals("Failed"), WAIT);
        assertThat(failed.path("end_date").asText()).endsWith("+0000");
        assertThat(api.get(container).json().path("state").asText()).isEqualTo("Terminated");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void aStartOrStopIsNotQueued_butRefusedWhileAnActionRuns() throws Exception {
        start(1);
        String service = api.service("web").path("resource_uri").asText();
        api.post(service + "redeploy/");

        ApiClient.Answer stop = api.post(service + "stop/");

        assertThat(stop.status()).isEqualTo(409);
        assertThat(stop.json().path("error").asText()).contains("action in progress");
        boot.release();
    }
}
