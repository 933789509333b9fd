package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RawServer;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker Engine transport is bounded like the other: a whole-call timeout that covers the body, nothing past
 * the deadline, an interrupt that ends a blocked call, no redirect believed, ids that build no other path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwarmBoundedTimeTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearTheInterruptFlag() {
        Thread.interrupted();
    }

    private static SwarmPlatform platform(String host, Duration callTimeout) {
        return new SwarmPlatform(new SwarmConfig(java.util.List.of(URI.create(host)), false, null, false,
                Duration.ofSeconds(5), callTimeout, false), Clock.systemUTC(), dev.zdd.time.Sleeper.SYSTEM);
    }

    @Test
    void anEndlessBody_isCutByTheCallTimeout_whichCoversTheWholeBody() throws Exception {
        try (RawServer engine = new RawServer(RawServer.trickling(200));
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(2))) {
            long start = System.nanoTime();

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT);
            assertThat(e.isDeadline()).isFalse();
            assertThat(e.getMessage()).contains("Docker GET /services had no whole answer within 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2 + 4));
        }
    }

    @Test
    void aSilentEngine_isCutAtTheDeadline_asADeadlineFailure() throws Exception {
        try (RawServer engine = new RawServer(RawServer.silent());
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(30))) {
            platform.callsUntil(Instant.now().plusSeconds(1));
            long start = System.nanoTime();

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e.isDeadline()).isTrue();
            assertThat(e.getMessage()).contains("cut short by the deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1 + 4));
        }
    }

    @Test
    void nothingIsSent_onceTheDeadlineHasPassed() throws Exception {
        try (RawServer engine = new RawServer(RawServer.silent());
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(30))) {
            platform.callsUntil(Instant.now().minusMillis(1));

            PlatformException e = catchThrowableOfType(() -> platform.redeploy(
                    new Service("abc123", "web", null, ServiceState.RUNNING, 1, 1), true), PlatformException.class);

            assertThat(e.isDeadline()).isTrue();
            assertThat(e.getMessage()).contains("was not sent: the deadline had passed");
            Thread.sleep(200);
            assertThat(engine.accepted()).isZero();
        }
    }

    @Test
    void anInterrupt_endsACallBlockedOnASilentTcpEngine_withinASecond() throws Exception {
        try (RawServer engine = new RawServer(RawServer.silent());
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(30))) {
            assertInterruptEndsTheCall(platform, () -> !engine.requests().isEmpty());
        }
    }

    @Test
    void anInterrupt_endsACallBlockedOnASilentUnixSocket_withinASecond() throws Exception {
        Path socket = dir.resolve("docker.sock");
        AtomicBoolean connected = new AtomicBoolean();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel accepted = server.accept()) {
                    connected.set(true);
                    Thread.sleep(Long.MAX_VALUE);
                } catch (Exception e) {
                    // closed with the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (SwarmPlatform platform = platform("unix://" + socket, Duration.ofSeconds(30))) {
                assertInterruptEndsTheCall(platform, connected::get);
            }
        }
    }

    @Test
    void aRedirect_isNotFollowed_norBelieved() throws Exception {
        try (RawServer elsewhere = new RawServer((head, out) -> out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n[]").getBytes(StandardCharsets.US_ASCII)));
             RawServer engine = new RawServer((head, out) -> out.write(("HTTP/1.1 307 Temporary Redirect\r\nLocation: "
                     + "http://127.0.0.1:" + elsewhere.port() + "/services\r\nContent-Length: 0\r\n"
                     + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(5))) {

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e).isNotNull();
            assertThat(e.status()).isEqualTo(307);
            assertThat(e.getMessage()).contains("a redirect, which zdd does not follow");
            assertThat(elsewhere.accepted()).isZero();
        }
    }

    @Test
    void aServiceIdThatIsNotAnIdOrName_buildsNoPath() throws Exception {
        String services = "[{\"ID\": \"..\", \"Spec\": {\"Name\": \"web\"}}]";
        try (RawServer engine = new RawServer((head, out) -> out.write(("HTTP/1.1 200 OK\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + services.length() + "\r\nConnection: close\r\n\r\n"
                + services).getBytes(StandardCharsets.US_ASCII)));
             SwarmPlatform platform = platform("tcp://127.0.0.1:" + engine.port(), Duration.ofSeconds(5))) {

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);
            PlatformException redeploy = catchThrowableOfType(() -> platform.redeploy(
                    new Service("..", "web", null, ServiceState.RUNNING, 1, 1), true), PlatformException.class);

            assertThat(e.kind()).isEqualTo(PlatformException.Kind.DECODE);
            assertThat(e.getMessage()).contains("neither an id nor a name");
            assertThat(redeploy.kind()).isEqualTo(PlatformException.Kind.DECODE);
            assertThat(engine.requests()).hasSize(1);
        }
    }

    private static void assertInterruptEndsTheCall(SwarmPlatform platform, Supplier<Boolean> sent)
            throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                platform.services();
            } catch (RuntimeException e) {
                failure.set(e);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        while (!sent.get()) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        long interrupted = System.nanoTime();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).isFalse();
        // Milliseconds in fact; the margin is for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(2));
        assertThat(failure.get()).isInstanceOf(PlatformException.class).hasMessageContaining("interrupted");
        assertThat(flag.get()).isTrue();
    }
}
