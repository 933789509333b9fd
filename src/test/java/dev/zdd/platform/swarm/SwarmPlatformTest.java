package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the adapter does without a daemon: refusals, and the failure when there is none. */
class SwarmPlatformTest {

    @TempDir
    Path dir;

    private SwarmPlatform platformAt(URI host) {
        return new SwarmPlatform(new SwarmConfig(host, false, null));
    }

    @Test
    void aMissingSocketIsATransportFailureWithAHint() {
        URI host = URI.create("unix://" + dir.resolve("docker.sock"));
        try (SwarmPlatform platform = platformAt(host)) {
            assertThatThrownBy(platform::services).isInstanceOfSatisfying(PlatformException.class, e -> {
                assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT);
                assertThat(e.method()).isEqualTo("GET");
                assertThat(e.path()).isEqualTo("/services");
                assertThat(e.getMessage()).contains(host.toString(), "is dockerd running", "DOCKER_HOST")
                        .doesNotContain("\n");
            });
        }
    }

    @Test
    void aRefusedTcpConnectionIsATransportFailure() {
        try (SwarmPlatform platform = platformAt(URI.create("tcp://127.0.0.1:1"))) {
            assertThatThrownBy(() -> platform.service("abc")).isInstanceOfSatisfying(PlatformException.class,
                    e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT));
        }
    }

    @Test
    void refusesPerContainerRedeploys_asSwarmHasNone() {
        try (SwarmPlatform platform = platformAt(URI.create("unix://" + dir.resolve("docker.sock")))) {
            Service service = new Service("s1", "web", null, ServiceState.RUNNING, 1, 1);
            Container container = new Container("t1", "web.1", "s1", ContainerState.RUNNING, null, List.of());

            for (Runnable call : List.<Runnable>of(() -> platform.containers(service),
                    () -> platform.container("t1"), () -> platform.redeploy(container, true))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(PlatformException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
                    assertThat(e.getMessage()).contains("Swarm has no per-container redeploy");
                });
            }
        }
    }

    @Test
    void refusesAnActionItDidNotStart() {
        try (SwarmPlatform platform = platformAt(URI.create("unix://" + dir.resolve("docker.sock")))) {
            assertThatThrownBy(() -> platform.action("https://dashboard.tutum.co/api/v1/action/1/"))
                    .isInstanceOfSatisfying(PlatformException.class,
                            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION));
        }
    }

    @Test
    void describesItselfByItsHost() {
        try (SwarmPlatform platform = platformAt(URI.create("unix:///tmp/x.sock"))) {
            assertThat(platform.describe()).isEqualTo("Docker Swarm at unix:///tmp/x.sock");
        }
    }

    @Test
    void showsTheDaemonsMessageOnOneLine() {
        assertThat(DockerApi.daemonMessage("{\"message\":\"rpc error: code = Unknown\\ndesc = update out of sequence\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("rpc error: code = Unknown desc = update out of sequence");
        assertThat(DockerApi.daemonMessage("page not found\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("page not found");
        assertThat(DockerApi.daemonMessage(new byte[0])).isEqualTo("(no message)");
    }
}
