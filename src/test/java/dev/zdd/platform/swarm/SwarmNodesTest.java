package dev.zdd.platform.swarm;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nodes on a multi-node Swarm, against a fake engine: a task on a node that is down does not count, and an
 * update that Swarm paused because of a task on such a node says so.
 */
@Timeout(20)
class SwarmNodesTest {

    private static final String ID = "k3v8o2m1xq7dh4n0c9t5s6w2a";
    private static final String SPEC = """
            {"Name":"web","Mode":{"Replicated":{"Replicas":2}},
             "TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":5}}""";
    private static final String NODES = """
            [{"ID":"n1","Description":{"Hostname":"node1"},"Spec":{"Availability":"active"},"Status":{"State":"ready"}},
             {"ID":"n3","Description":{"Hostname":"node3"},"Spec":{"Availability":"active"},"Status":{"State":"down"}}]
            """;

    private WireMockServer engine;

    @BeforeEach
    void start() {
        engine = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        engine.start();
        engine.stubFor(get(urlPathEqualTo("/nodes")).willReturn(okJson(NODES)));
        engine.stubFor(get(urlPathEqualTo("/nodes/n3"))
                .willReturn(okJson("{\"ID\":\"n3\",\"Description\":{\"Hostname\":\"node3\"}}")));
        engine.stubFor(get(urlPathEqualTo("/tasks")).willReturn(okJson("[" + task("a1", "n1") + ","
                                                                        + task("b3", "n3") + "]")));
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    private static String task(String id, String node) {
        return """
                {"ID":"%s","ServiceID":"%s","NodeID":"%s","DesiredState":"running","Status":{"State":"running"},
                 "Spec":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":5}}""".formatted(id, ID, node);
    }

    private void service(String update) {
        engine.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson("""
                {"ID":"%s","Version":{"Index":20},"Spec":%s,"PreviousSpec":{"TaskTemplate":{"ForceUpdate":4}},
                 "UpdateStatus":%s}""".formatted(ID, SPEC, update))));
    }

    private SwarmPlatform platform() {
        return new SwarmPlatform(new SwarmConfig(URI.create("tcp://127.0.0.1:" + engine.port()), false, null));
    }

    @Test
    void aTaskWhoseNodeIsDown_doesNotCount_thoughItsLastReportSaysRunning() {
        service("{\"State\":\"completed\"}");
        try (SwarmPlatform platform = platform()) {
            Service web = platform.service(ID);
            Action update = platform.action(ID + "/force-update/5");

            assertThat(web.state()).isEqualTo(ServiceState.PARTLY_RUNNING);
            assertThat(web.stateLabel()).contains("task b3 is on a node that is down or drained");
            assertThat(update.state()).isEqualTo(ActionState.IN_PROGRESS);
        }
    }

    @Test
    void anUpdateSwarmPausedForATaskOnANodeThatWentDown_saysWhichNode() {
        service("{\"State\":\"paused\",\"Message\":\"update paused due to failure or early termination of task b3\"}");
        try (SwarmPlatform platform = platform()) {
            Action update = platform.action(ID + "/force-update/5");

            assertThat(update.state()).isEqualTo(ActionState.FAILED);
            assertThat(update.stateLabel()).isEqualTo("Failed (update paused: update paused due to failure or early"
                                                      + " termination of task b3; that task's node node3 is down or"
                                                      + " drained)");
        }
    }

    @Test
    void theNodesAreReadOnlyWhenEverythingElseSaysRunning() {
        service("{\"State\":\"updating\"}");
        // Half-way: one task still runs the previous spec (an update down to its monitor period, every task new,
        // would read as running, and its nodes would count).
        engine.stubFor(get(urlPathEqualTo("/tasks")).willReturn(okJson("[" + task("a1", "n1") + ","
                + task("b3", "n3").replace("\"ForceUpdate\":5", "\"ForceUpdate\":4") + "]")));
        try (SwarmPlatform platform = platform()) {
            assertThat(platform.service(ID).state()).isEqualTo(ServiceState.REDEPLOYING);
            assertThat(platform.action(ID + "/force-update/5").state()).isEqualTo(ActionState.IN_PROGRESS);
        }
        engine.verify(0, getRequestedFor(urlPathEqualTo("/nodes")));
    }
}
