package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Slow requests ({@code ?delay=MS}) and a stop that kills: what the load balancer's drain is for. */
@Timeout(20)
class ContainerKillTest {

    private final ExecutorService handlers = Threads.bounded("test-container", 4, 8);
    private final ExecutorService clients = Executors.newFixedThreadPool(2);
    private final ContainerServer server = new ContainerServer("web-1-1", Clock.systemUTC(), handlers);
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        server.close();
        handlers.shutdownNow();
        clients.shutdownNow();
    }

    @Test
    void aRequestWithADelayIsAnsweredAfterThatMuchWork() throws Exception {
        server.listen(new ContainerServer.Identity("web-1", "web-1-1", "uuid-1", Instant.EPOCH, "sandbox/web-1:latest@sha256:" + "0".repeat(64)));
        long start = System.nanoTime();

        LoopbackHttp.Reply reply = LoopbackHttp.send(server.port(), "GET", "/?delay=300", new byte[0],
                Duration.ofSeconds(5));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(ContainerServer.delay("GET /work?x=1&delay=1000 HTTP/1.1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(ContainerServer.delay("GET /?delay=999999 HTTP/1.1")).isEqualTo(ContainerServer.MAX_DELAY);
        assertThat(ContainerServer.delay("GET /?delay=soon HTTP/1.1")).isZero();
    }

    @Test
    void aKillCutsTheRequestsUnderWay_unansweredAndCounted() throws Exception {
        server.killOnStop(events::add);
        server.listen(new ContainerServer.Identity("web-1", "web-1-1", "uuid-1", Instant.EPOCH, "sandbox/web-1:latest@sha256:" + "0".repeat(64)));
        int port = server.port();
        Future<LoopbackHttp.Reply> slow = clients.submit(() -> LoopbackHttp.send(port, "GET", "/?delay=5000",
                new byte[0], Duration.ofSeconds(10)));
        for (int i = 0; i < 250 && server.working() < 1; i++) {
            ApiClient.pause();
        }
        long start = System.nanoTime();

        server.stop(Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a kill waits for nothing")
                .isLessThan(Duration.ofSeconds(4));
        assertThatThrownBy(slow::get).hasCauseInstanceOf(IOException.class);
        assertThat(server.cutRequests()).isEqualTo(1);
        assertThat(events).containsExactly("web-1-1 killed: 1 request under way cut");
    }

    @Test
    void withoutKillOnStopTheRequestUnderWayStillGetsItsAnswer() throws Exception {
        server.listen(new ContainerServer.Identity("web-1", "web-1-1", "uuid-1", Instant.EPOCH, "sandbox/web-1:latest@sha256:" + "0".repeat(64)));
        int port = server.port();
        Future<LoopbackHttp.Reply> slow = clients.submit(() -> LoopbackHttp.send(port, "GET", "/?delay=500",
                new byte[0], Duration.ofSeconds(10)));
        for (int i = 0; i < 250 && server.inFlight() < 1; i++) {
            ApiClient.pause();
        }

        server.stop(Duration.ofSeconds(10));

        assertThat(slow.get().status()).isEqualTo(200);
        assertThat(server.cutRequests()).isZero();
    }
}
