package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.platform.Action;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How zdd connects to the API: the reads it makes at once, its sockets, and TLS only where it is needed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TutumConnectionsTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String EMPTY_PAGE = "{\"meta\": {\"next\": null}, \"objects\": []}";

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsThePendingAndTheInProgressActionsAtOnce() throws Exception {
        // Each list waits, up to a generous bound, until both requests are in: read one after the other, the first
        // would wait in vain and say so.
        CountDownLatch bothIn = new CountDownLatch(2);
        AtomicBoolean atOnce = new AtomicBoolean(true);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/api/v1/action/", exchange -> {
            bothIn.countDown();
            try {
                if (!bothIn.await(10, TimeUnit.SECONDS)) {
                    atOnce.set(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, EMPTY_PAGE);
        });
        server.start();
        TutumPlatform platform = TutumFixtures.platform(TutumFixtures.config(TutumConfig.Flavor.TUTUM,
                "http://127.0.0.1:" + server.getAddress().getPort(), null), new dev.zdd.time.FakeTime());
        Service web = new Service(WEB, "web", null, ServiceState.RUNNING, "Running", 1, 1, List.of());
        // Known from a listing, so that no read of the service comes first.
        server.createContext("/api/v1/service/", exchange -> answer(exchange, "{\"meta\": {\"next\": null},"
                + " \"objects\": [{\"uuid\": \"" + WEB + "\", \"resource_uri\": \"/api/v1/service/" + WEB + "/\","
                + " \"name\": \"web\", \"state\": \"Running\", \"running_num_containers\": 1,"
                + " \"target_num_containers\": 1}]}"));
        platform.services();

        Map<String, List<Action>> unfinished = platform.unfinishedActions(List.of(web));

        assertThat(unfinished.getOrDefault(WEB, List.of())).isEmpty();
        assertThat(atOnce).as("both lists were requested before either was answered").isTrue();
    }

    @Test
    void opensItsSocketsWithTcpNoDelay() throws IOException {
        try (Socket socket = Connections.NoDelaySocketFactory.INSTANCE.createSocket()) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void setsUpTlsOnlyWhenTheApiOrItsStreamUsesIt() {
        HttpUrl plain = HttpUrl.get("http://127.0.0.1:8080/");
        HttpUrl secure = HttpUrl.get("https://dashboard.tutum.co/");

        assertThat(Connections.needsTls(plain, null)).isFalse();
        assertThat(Connections.needsTls(plain, URI.create("ws://127.0.0.1:8081"))).isFalse();
        assertThat(Connections.needsTls(plain, URI.create("wss://stream.tutum.co"))).isTrue();
        assertThat(Connections.needsTls(secure, null)).isTrue();
        assertThat(Connections.needsTls(secure, URI.create("wss://stream.tutum.co"))).isTrue();
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
