package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.time.FakeTime;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(15)
class ContainerWarmupTest {

    @Test
    void aRedeployedContainerRefusesThenAnswers503ThenServesOnTheSamePort() throws Exception {
        FakeTime time = new FakeTime();
        GatedSleeper sleeper = new GatedSleeper(time);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web")).clock(time).sleeper(sleeper)
                .bootTime(Duration.ofSeconds(2)).warmup(Duration.ofMillis(1500)).events(events::add)
                .build().start()) {
            ApiClient api = new ApiClient(sandbox);
            int port = sandbox.containerPorts().get("web-1");
            assertThat(get(port)).isEqualTo(200);

            String action = api.post(api.service("web").path("resource_uri").asText() + "redeploy/")
                    .header("X-Tutum-Action-URI");
            awaitEvent(events, "web-1 Starting");
            assertThatThrownBy(() -> get(port)).isInstanceOf(ConnectException.class);

            sleeper.release(); // the boot time is over: it listens, and the platform says Running
            api.await(action, a -> a.path("state").asText().equals("Success"), Duration.ofSeconds(5));
            assertThat(api.service("web").path("state").asText()).isEqualTo("Running");
            assertThat(get(port)).isEqualTo(503);

            time.advance(Duration.ofMillis(1499));
            assertThat(get(port)).isEqualTo(503);
            time.advance(Duration.ofMillis(1));
            assertThat(get(port)).isEqualTo(200);
            assertThat(time.naps()).containsExactly(Duration.ofSeconds(2));
        }
    }

    private static int get(int port) throws Exception {
        return LoopbackHttp.send(port, "GET", "/", new byte[0], Duration.ofSeconds(2)).status();
    }

    private static void awaitEvent(List<String> events, String prefix) {
        for (int i = 0; i < 250; i++) {
            synchronized (events) {
                if (events.stream().anyMatch(e -> e.startsWith(prefix))) {
                    return;
                }
            }
            ApiClient.pause();
        }
        throw new AssertionError("no event " + prefix + " in " + events);
    }
}
