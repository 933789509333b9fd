package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(15)
class ContainerServerTest {

    private static final String IMAGE = "sandbox/web:latest@sha256:" + "0".repeat(64);

    private final ExecutorService handlers = Threads.bounded("test-container", 2, 8);
    private final ContainerServer server = new ContainerServer("web-1", Clock.systemUTC(), handlers);

    @AfterEach
    void close() {
        server.close();
        handlers.shutdownNow();
    }

    @Test
    void stopRefusesNewConnectionsButFinishesTheRequestInFlight() throws Exception {
        server.listen(new ContainerServer.Identity("web", "web-1", "uuid-1", Instant.EPOCH, IMAGE));
        int port = server.port();
        try (Socket inFlight = new Socket()) {
            inFlight.connect(new InetSocketAddress(LoopbackHttp.loopback(), port), 2000);
            inFlight.setSoTimeout(5000);
            OutputStream out = inFlight.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1)); // head not finished
            out.flush();
            awaitInFlight(1);

            Thread stopping = new Thread(() -> {
                try {
                    server.stop(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopping.start();
            awaitRefused(port);

            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1)); // the request in flight completes now
            out.flush();
            String answer = new String(readAll(inFlight.getInputStream()), StandardCharsets.ISO_8859_1);
            stopping.join(5000);

            assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("container web-1 (uuid-1)");
            assertThat(stopping.isAlive()).isFalse();
        }
    }

    @Test
    void listensAgainOnTheSamePortAsANewContainer() throws Exception {
        server.listen(new ContainerServer.Identity("web", "web-1", "uuid-1", Instant.EPOCH, IMAGE));
        int port = server.port();
        LoopbackHttp.send(port, "GET", "/", new byte[0], Duration.ofSeconds(2));
        server.stop(Duration.ofSeconds(1));

        assertThatThrownBy(() -> LoopbackHttp.send(port, "GET", "/", new byte[0], Duration.ofSeconds(2)))
                .isInstanceOf(ConnectException.class);
        server.listen(new ContainerServer.Identity("web", "web-1", "uuid-2", Instant.EPOCH, IMAGE));
        LoopbackHttp.Reply reply = LoopbackHttp.send(port, "GET", "/", new byte[0], Duration.ofSeconds(2));

        assertThat(server.port()).isEqualTo(port);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("uuid-2", "image " + IMAGE);
        assertThat(reply.image()).isEqualTo(IMAGE);
    }

    private void awaitInFlight(int count) {
        for (int i = 0; i < 250 && server.inFlight() < count; i++) {
            ApiClient.pause();
        }
        assertThat(server.inFlight()).isEqualTo(count);
    }

    private static void awaitRefused(int port) {
        for (int i = 0; i < 250; i++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(LoopbackHttp.loopback(), port), 500);
            } catch (ConnectException refused) {
                return;
            } catch (Exception other) {
                throw new AssertionError(other);
            }
            ApiClient.pause();
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }

    private static byte[] readAll(InputStream in) throws Exception {
        return in.readAllBytes();
    }
}
