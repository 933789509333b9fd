package dev.zdd.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReadinessCheckTest {

    private final HttpReadinessCheck check = new HttpReadinessCheck(Duration.ofMillis(500));
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
    void a2xxAnswerPasses_anythingElseSaysWhatItSaw() throws Exception {
        URI url = serve(503, 204, 301);

        assertThat(check.attempt(url, Duration.ofSeconds(2))).isEqualTo("HTTP 503");
        assertThat(check.attempt(url, Duration.ofSeconds(2))).isNull();
        assertThat(check.attempt(url, Duration.ofSeconds(2))).as("redirects are not followed").isEqualTo("HTTP 301");
        assertThat(check.interval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aServerThatNeverAnswers_isNotReadyWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            long start = System.nanoTime();
            String result = check.attempt(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    Duration.ofMillis(300));
            assertThat(result).isEqualTo("no answer within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRefusedConnectionIsNotReady() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        String result = check.attempt(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(1));

        assertThat(result).isEqualTo("connection refused");
    }
}
