package dev.zdd.platform.swarm;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.ServiceState;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forced update against a fake engine, from its new task's start to Swarm's monitor period: what zdd reads, and
 * when it looks at the tasks itself because no event would say they moved.
 */
@Timeout(20)
class SwarmMonitorTest {

    private static final String ID = "k3v8o2m1xq7dh4n0c9t5s6w2a";
    private static final String SPEC = """
            {"Name":"web","Mode":{"Replicated":{"Replicas":1}},
             "TaskTemplate":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":5}}""";

    private WireMockServer engine;

    @BeforeEach
    void start() {
        engine = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        engine.start();
        engine.stubFor(get(urlPathEqualTo("/services/" + ID)).willReturn(okJson("""
                {"ID":"%s","Version":{"Index":20},"Spec":%s,"PreviousSpec":{"TaskTemplate":{"ForceUpdate":4}},
                 "UpdateStatus":{"State":"updating","Message":"update in progress"}}""".formatted(ID, SPEC))));
        engine.stubFor(get(urlPathEqualTo("/nodes")).willReturn(okJson("""
                [{"ID":"n1","Description":{"Hostname":"node1"},"Spec":{"Availability":"active"},
                  "Status":{"State":"ready"}}]""")));
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    private void tasks(String newTaskState) {
        engine.stubFor(get(urlPathEqualTo("/tasks")).willReturn(okJson("""
                [{"ID":"old","ServiceID":"%1$s","NodeID":"n1","DesiredState":"shutdown","Status":{"State":"shutdown"},
                  "Spec":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":4}},
                 {"ID":"new","ServiceID":"%1$s","NodeID":"n1","DesiredState":"running","Status":{"State":"%2$s"},
                  "Spec":{"ContainerSpec":{"Image":"busybox"},"ForceUpdate":5}}]""".formatted(ID, newTaskState))));
    }

    private SwarmPlatform platform() {
        return new SwarmPlatform(new SwarmConfig(URI.create("tcp://127.0.0.1:" + engine.port()), false, null));
    }

    @Test
    void whileTheNewTaskStarts_theUpdateIsInProgress_andItsTasksAreLookedAt() {
        tasks("starting");
        try (SwarmPlatform platform = platform()) {
            Action update = platform.action(ID + "/force-update/5");

            assertThat(update.state()).isEqualTo(ActionState.IN_PROGRESS);
            assertThat(platform.tasksLookedAt(ID)).as("its move to running comes with no event").isTrue();
        }
    }

    @Test
    void onceTheNewTaskRuns_theServiceServesAndTheUpdateIsBack_settlingWhileSwarmMonitorsIt() {
        tasks("running");
        try (SwarmPlatform platform = platform()) {
            Action update = platform.action(ID + "/force-update/5");

            assertThat(platform.service(ID).state()).isEqualTo(ServiceState.RUNNING);
            assertThat(platform.service(ID).stateLabel()).isEqualTo("Running (update monitored)");
            assertThat(update.state()).isEqualTo(ActionState.SUCCESS);
            assertThat(update.settling()).isTrue();
            assertThat(platform.tasksLookedAt(ID)).isFalse();
        }
    }
}
