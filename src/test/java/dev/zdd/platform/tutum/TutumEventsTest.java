package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.platform.Changes;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.Set;
import dev.zdd.time.Sleeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The events stream against the sandbox's real one, and against servers that turn zdd away. */
@Timeout(20)
class TutumEventsTest {

    private Sandbox sandbox;

    @BeforeEach
    void start() throws IOException {
        sandbox = Sandbox.builder().services(java.util.List.of("web-1")).bootTime(Duration.ofMillis(200))
                .warmup(Duration.ZERO).build().start();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private TutumPlatform platform(String authorization, URI stream) {
        TutumConfig config = new TutumConfig(TutumConfig.Flavor.TUTUM, sandbox.apiUrl(), null, authorization, false)
                .withStreamUrl(stream);
        return new TutumPlatform(config, Clock.systemUTC(), Sleeper.SYSTEM, new Random(1));
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((sandbox.user() + ":" + sandbox.apiKey())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitLive(Changes changes) throws InterruptedException {
        for (int i = 0; i < 100 && !changes.live(); i++) {
            Thread.sleep(50);
        }
        assertThat(changes.live()).as("the stream went live").isTrue();
    }

    @Test
    void announcesTheServiceAndTheActionOfARedeploy_soonAfterTheyChange() throws InterruptedException {
        TutumPlatform platform = platform(basic(), sandbox.streamUrl());
        Service web = platform.services().get(0);
        try (Changes changes = platform.changes()) {
            awaitLive(changes);
            Set<String> ids = Set.of(web.id(), "/api/v1/action/not-this-one/");
            assertThat(changes.awaitChange(ids, Duration.ofSeconds(5))).as("the first wait after connecting")
                    .isEqualTo(ids);

            Redeployment redeployment = platform.redeploy(web, true);
            Set<String> watched = Set.of(web.id(), redeployment.actionId());
            assertThat(changes.awaitChange(watched, Duration.ofSeconds(5))).isNotEmpty();

            // The action ends once the new container runs: announced, and told apart from the service.
            boolean actionEnded = false;
            for (int i = 0; i < 20 && !actionEnded; i++) {
                Set<String> changed = changes.awaitChange(watched, Duration.ofSeconds(5));
                actionEnded = changed.contains(redeployment.actionId())
                              && platform.action(redeployment.actionId()).state().isFinished();
            }
            assertThat(actionEnded).isTrue();
        }
    }

    @Test
    void withoutAnnouncementsAboutTheIds_theWaitLastsItsLength() throws InterruptedException {
        try (Changes changes = platform(basic(), sandbox.streamUrl()).changes()) {
            awaitLive(changes);
            changes.awaitChange(Set.of("x"), Duration.ZERO); // the first wait after connecting returns at once

            long start = System.nanoTime();
            assertThat(changes.awaitChange(Set.of("x"), Duration.ofMillis(300))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void anUnauthorizedError_neverGoesLive_andTheWaitReturnsAtOnce() throws InterruptedException {
        try (Changes changes = platform("Basic " + Base64.getEncoder().encodeToString("sandbox:wrong".getBytes()),
                sandbox.streamUrl()).changes()) {
            Thread.sleep(500);
            assertThat(changes.live()).isFalse();
            assertThat(changes.awaitChange(Set.of("x"), Duration.ofMinutes(1))).isEmpty();
        }
    }

    @Test
    void a401Handshake_neverGoesLive() throws Exception {
        try (ServerSocket refusing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> answer401(refusing));
            server.setDaemon(true);
            server.start();
            try (Changes changes = platform(basic(), URI.create("ws://127.0.0.1:" + refusing.getLocalPort()))
                    .changes()) {
                server.join(5000);
                assertThat(changes.live()).isFalse();
                assertThat(changes.awaitChange(Set.of("x"), Duration.ofMinutes(1))).isEmpty();
            }
        }
    }

    @Test
    void closing_endsItsThreadsAtOnce() throws InterruptedException {
        Changes changes = platform(basic(), sandbox.streamUrl()).changes();
        awaitLive(changes);
        TutumEvents events = (TutumEvents) changes;
        assertThat(events.terminated()).isFalse();

        changes.close();

        for (int i = 0; i < 200 && !events.terminated(); i++) { // 10 s at most, on a loaded machine
            Thread.sleep(50);
        }
        assertThat(events.terminated()).isTrue();
        assertThat(changes.live()).isFalse();
    }

    @Test
    void plainWsToAnotherHost_isRefusedUnlessInsecureHttp() {
        TutumConfig config = new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create("https://api.example"), null,
                basic(), false).withStreamUrl(URI.create("ws://stream.example"));

        assertThatThrownBy(() -> new TutumPlatform(config)).isInstanceOf(PlatformException.class)
                .hasMessageContaining("refusing plain ws:// to stream.example");
        assertThat(new TutumPlatform(new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create("https://api.example"),
                null, basic(), true).withStreamUrl(URI.create("ws://stream.example")))).isNotNull();
    }

    @Test
    void eventsPaths_tutumAndDockerCloud() {
        okhttp3.HttpUrl host = okhttp3.HttpUrl.get("https://stream.example");
        assertThat(new TutumPaths(TutumConfig.Flavor.TUTUM, okhttp3.HttpUrl.get("https://api.example/"), null)
                .events(host).encodedPath()).isEqualTo("/v1/events");
        assertThat(new TutumPaths(TutumConfig.Flavor.DOCKERCLOUD, okhttp3.HttpUrl.get("https://api.example/"), "team")
                .events(host).encodedPath()).isEqualTo("/api/audit/v1/team/events/");
    }


    private static void answer401(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            byte[] request = new byte[8192];
            int read = in.read(request); // the handshake; its headers don't matter here
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(read).isPositive();
        } catch (IOException e) {
            // the test sees the outcome through the client
        }
    }
}
