package dev.zdd.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.zdd.time.FakeTime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReadinessCheckTest {

    private final FakeTime time = new FakeTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final HttpReadinessCheck check = new HttpReadinessCheck(time, time, Duration.ofMillis(500));
    private HttpServer server;

    /** A server that answers the given statuses in turn, then 200 for ever. */
    private URI serve(Integer... statuses) throws IOException {
        Deque<Integer> answers = new ArrayDeque<>(List.of(statuses));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Integer next = answers.poll();
            exchange.sendResponseHeaders(next == null ? 200 : next, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readyAfterTheWantedSuccessesInARow_aFailureStartsTheCountAgain() throws Exception {
        URI url = serve(503, 200, 503, 200, 200);

        String result = check.await(url, 3, time.instant().plusSeconds(60));

        assertThat(result).isNull();
        // 503, 200, 503, 200, 200, 200: six attempts, a nap after each but the last.
        assertThat(time.naps()).hasSize(5).containsOnly(Duration.ofMillis(500));
    }

    @Test
    void notReadyByTheDeadline_saysWhatItLastSaw() throws Exception {
        URI url = serve(503, 503, 503, 503, 503, 503, 503, 503);

        String result = check.await(url, 1, time.instant().plusSeconds(2));

        assertThat(result).isEqualTo("HTTP 503");
    }

    @Test
    void aRefusedConnectionIsNotReady() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        String result = check.await(URI.create("http://127.0.0.1:" + port + "/"), 1, time.instant().plusSeconds(1));

        assertThat(result).isEqualTo("connection refused");
    }
}
