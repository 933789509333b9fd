package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 8 of issue 17: service and container {@code start} and {@code stop} as Tutum documented them ("Stops all
 * containers in a running or partly running service", "Starts all containers in a stopped or partly running
 * service"; states Stopping -> Stopped and Starting -> Running), so that rehearsals can break things on purpose;
 * and 501, naming the operation, for what the sandbox does not perform on an existing object.
 */
@Timeout(30)
class StartStopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private Sandbox sandbox;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web", "api.shop")).containersPerService(2)
                .bootTime(Duration.ofMillis(50)).warmup(Duration.ZERO).events(events::add).build().start();
        api = new ApiClient(sandbox);
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void stopsAServiceThroughStopping_thenStartsItThroughStarting() {
        JsonNode web = api.service("web");
        String uri = web.path("resource_uri").asText();
        List<Integer> ports = new ArrayList<>(sandbox.containerPorts().entrySet().stream()
                .filter(e -> e.getKey().startsWith("web-")).map(e -> e.getValue()).toList());

        ApiClient.Answer stop = api.post(uri + "stop/");

        assertThat(stop.status()).isEqualTo(202);
        assertThat(stop.json().path("state").asText()).isEqualTo("Stopping");
        JsonNode stopAction = api.await(stop.header("X-Tutum-Action-URI"),
                a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(stopAction.path("action").asText()).isEqualTo("Service Stop");
        JsonNode stopped = api.service("web");
        assertThat(stopped.path("state").asText()).isEqualTo("Stopped");
        assertThat(stopped.path("running_num_containers").asInt()).isZero();
        assertThat(stopped.path("stopped_num_containers").asInt()).isEqualTo(2);
        assertThat(stopped.path("stopped_datetime").asText()).endsWith("+0000");
        assertThat(stopped.path("containers")).isEqualTo(web.path("containers")); // the same containers
        JsonNode container = api.get(stopped.path("containers").get(0).asText()).json();
        assertThat(container.path("state").asText()).isEqualTo("Stopped");
        assertThat(container.path("exit_code").asInt()).isZero();
        ports.forEach(port -> assertThat(listening(port)).as("port %d", port).isFalse());

        ApiClient.Answer start = api.post(uri + "start/");

        assertThat(start.status()).isEqualTo(202);
        assertThat(start.json().path("state").asText()).isEqualTo("Starting");
        JsonNode startAction = api.await(start.header("X-Tutum-Action-URI"),
                a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(startAction.path("action").asText()).isEqualTo("Service Start");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
        assertThat(api.get(container.path("resource_uri").asText()).json().path("exit_code").isNull()).isTrue();
        ports.forEach(port -> assertThat(listening(port)).as("port %d", port).isTrue());
        List<String> lines = events.stream().map(e -> e.replaceAll(" \\(.*\\)", "")).toList();
        assertThat(lines).containsSubsequence("web Stopping", "web-1 Stopping", "web-1 Stopped", "web Stopped",
                "Service Stop of web Success", "web Starting", "web-1 Starting", "web-1 Running", "web Running",
                "Service Start of web Success");
    }

    @Test
    void stopsAndStartsOneContainer_leavingItsServicePartlyRunningMeanwhile() {
        JsonNode web = api.service("web");
        String container = web.path("containers").get(1).asText();

        ApiClient.Answer stop = api.post(container + "stop/");

        assertThat(stop.status()).isEqualTo(202);
        assertThat(stop.json().path("state").asText()).isEqualTo("Stopping");
        api.await(stop.header("X-Tutum-Action-URI"), a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.get(container).json().path("state").asText()).isEqualTo("Stopped");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Partly running");
        assertThat(api.post(container + "stop/").status()).isEqualTo(409); // already stopped

        ApiClient.Answer start = api.post(container + "start/");

        JsonNode action = api.await(start.header("X-Tutum-Action-URI"),
                a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(action.path("action").asText()).isEqualTo("Container Start");
        assertThat(api.get(container).json().path("state").asText()).isEqualTo("Running");
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void refusesAStartOfARunningServiceAndAStopOfAStoppedOne_with409() {
        String uri = api.service("web").path("resource_uri").asText();

        ApiClient.Answer start = api.post(uri + "start/");

        assertThat(start.status()).isEqualTo(409);
        assertThat(start.json().path("error").asText()).contains("web", "Running", "start");
    }

    @Test
    void aStoppedServiceCanBeRedeployed_asTutumAllowed() {
        String uri = api.service("web").path("resource_uri").asText();
        api.await(api.post(uri + "stop/").header("X-Tutum-Action-URI"),
                a -> a.path("state").asText().equals("Success"), WAIT);

        String redeploy = api.post(uri + "redeploy/").header("X-Tutum-Action-URI");

        api.await(redeploy, a -> a.path("state").asText().equals("Success"), WAIT);
        assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
    }

    @Test
    void answers501NamingWhatTheSandboxDoesNotPerformOnAnExistingObject() {
        JsonNode web = api.service("web");
        String service = web.path("resource_uri").asText();
        String container = web.path("containers").get(0).asText();
        String stack = api.service("api").path("stack").asText();
        String action = api.post(service + "stop/").header("X-Tutum-Action-URI");

        assertUnsupported("POST", stack + "redeploy/", "stack redeploy");
        assertUnsupported("POST", stack + "start/", "stack start");
        assertUnsupported("GET", stack + "export/", "stack export");
        assertUnsupported("DELETE", stack, "stack terminate");
        assertUnsupported("DELETE", service, "service terminate");
        assertUnsupported("DELETE", container, "container terminate");
        assertUnsupported("PUT", service, "service update");
        // A PATCH sets a service's image (see ImagesOverSandboxTest); of anything else, the sandbox says it does not.
        ApiClient.Answer scale = api.send("PATCH", service, "{\"target_num_containers\": 3}".getBytes());
        assertThat(scale.status()).isEqualTo(501);
        assertThat(scale.json().path("error").asText()).contains("'target_num_containers'", "only its image");
        assertUnsupported("POST", service + "scale/", "service scale");
        assertUnsupported("GET", service + "logs/", "service logs");
        assertUnsupported("GET", container + "logs/", "container logs");
        assertUnsupported("POST", action + "cancel/", "action cancel");
        assertUnsupported("POST", action + "retry/", "action retry");
        assertUnsupported("POST", "/api/v1/service/", "create a service");
        // Of an object that does not exist, or an operation no API has: 404.
        assertThat(api.send("POST", "/api/v1/stack/00000000-0000-4000-8000-000000000000/redeploy/").status())
                .isEqualTo(404);
        assertThat(api.send("POST", service + "frobnicate/").status()).isEqualTo(404);
        assertThat(api.send("GET", service + "redeploy/").status()).isEqualTo(405);
        assertThat(api.send("GET", service + "redeploy/").header("Allow")).isEqualTo("POST");
    }

    private void assertUnsupported(String method, String path, String operation) {
        ApiClient.Answer answer = api.send(method, path);
        assertThat(answer.status()).as("%s %s", method, path).isEqualTo(501);
        assertThat(answer.json().path("error").asText()).as("%s %s", method, path)
                .startsWith("The sandbox does not perform " + operation + " (" + method + " " + path + ")");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
