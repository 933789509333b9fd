package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RawServer;
import dev.zdd.platform.Service;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time is bounded whatever the API does: a body that never ends, a server that never answers, a deadline that has
 * passed, an interrupt. Real sockets and the real clock; every bound here is generous, so that a loaded machine
 * cannot fail it, and far below what an unbounded call would take.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TutumBoundedTimeTest {

    private static final String SERVICE = "09cbcf8d-a727-40d9-b420-c8e18b7fa55b";

    @AfterEach
    void clearTheInterruptFlag() {
        Thread.interrupted();
    }

    /** Real time; a 20 s call timeout and six tries, so that only the deadline can end the call soon. */
    private static TutumPlatform platform(String url) {
        TutumConfig config = new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create(url), null,
                TutumFixtures.AUTHORIZATION, false, Duration.ofSeconds(5), Duration.ofSeconds(20),
                Duration.ofSeconds(20));
        return new TutumPlatform(config, Clock.systemUTC(), Sleeper.SYSTEM, new Random(TutumFixtures.SEED));
    }

    @Test
    void anEndlessBody_isCutAtTheDeadline_asADeadlineFailure() throws Exception {
        try (RawServer server = new RawServer(RawServer.trickling(200))) {
            TutumPlatform platform = platform(server.url());
            platform.callsUntil(Instant.now().plusSeconds(2));
            long start = System.nanoTime();

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e).isNotNull();
            assertThat(e.isDeadline()).isTrue();
            assertThat(e.getMessage()).contains("GET /api/v1/service/", "cut short by the deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2 + 4));
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatNeverAnswers_isCutAtTheDeadline() throws Exception {
        try (RawServer server = new RawServer(RawServer.silent())) {
            TutumPlatform platform = platform(server.url());
            platform.callsUntil(Instant.now().plusSeconds(2));
            long start = System.nanoTime();

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e.isDeadline()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2 + 4));
        }
    }

    @Test
    void anEndlessBody_withoutADeadline_isCutByTheCallTimeout_whichCoversTheBody() throws Exception {
        try (RawServer server = new RawServer(RawServer.trickling(200))) {
            TutumConfig config = new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create(server.url()), null,
                    TutumFixtures.AUTHORIZATION, false, Duration.ofSeconds(5), Duration.ofSeconds(20),
                    Duration.ofSeconds(1)).withRetry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                    Duration.ZERO));
            TutumPlatform platform = new TutumPlatform(config, Clock.systemUTC(), Sleeper.SYSTEM, new Random(1));
            long start = System.nanoTime();

            PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

            assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT);
            assertThat(e.isDeadline()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1 + 4));
        }
    }

    @Test
    void noRequestIsSent_onceTheDeadlineHasPassed_notEvenTheRedeploy() throws Exception {
        try (RawServer server = new RawServer(RawServer.silent())) {
            TutumPlatform platform = platform(server.url());
            platform.callsUntil(Instant.now().minusMillis(1));
            Service web = new Service(SERVICE, "web", null, dev.zdd.platform.ServiceState.RUNNING, "Running", 1, 1,
                    List.of());

            PlatformException e = catchThrowableOfType(() -> platform.redeploy(web, true), PlatformException.class);

            assertThat(e.isDeadline()).isTrue();
            assertThat(e.getMessage()).contains("was not sent: the deadline had passed");
            Thread.sleep(200);
            assertThat(server.accepted()).isZero();
        }
    }

    @Test
    void aRedeployPostCutByTheDeadline_saysItsOutcomeIsUnknown_andLooksNothingUpPastIt() throws Exception {
        try (RawServer server = new RawServer(answersGetsButNotPosts())) {
            TutumPlatform platform = platform(server.url());
            platform.callsUntil(Instant.now().plusSeconds(1));
            Service web = new Service(SERVICE, "web", null, dev.zdd.platform.ServiceState.RUNNING, "Running", 1, 1,
                    List.of());

            PlatformException e = catchThrowableOfType(() -> platform.redeploy(web, true), PlatformException.class);

            assertThat(e.isDeadline()).isTrue();
            assertThat(e.getMessage()).contains("POST /api/v1/service/" + SERVICE + "/redeploy/",
                    "whether the platform acted on it is unknown");
            // The service and its actions before the POST; nothing after it.
            assertThat(server.requests()).hasSize(3);
            assertThat(server.requests().get(2)).startsWith("POST ");
        }
    }

    /** The service and an empty list of actions to any GET; silence to a POST. */
    private static RawServer.Behaviour answersGetsButNotPosts() {
        return (head, out) -> {
            if (!head.startsWith("GET ")) {
                Thread.sleep(Long.MAX_VALUE);
            }
            String body = head.startsWith("GET /api/v1/action/") ? "{\"meta\": {\"next\": null}, \"objects\": []}"
                    : "{\"uuid\": \"" + SERVICE + "\", \"resource_uri\": \"/api/v1/service/" + SERVICE + "/\", "
                      + "\"name\": \"web\", \"state\": \"Running\"}";
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        };
    }

    @Test
    void anInterrupt_abortsACallBlockedOnASilentServer_withinASecond() throws Exception {
        try (RawServer server = new RawServer(RawServer.silent())) {
            TutumPlatform platform = platform(server.url());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    platform.services();
                } catch (RuntimeException e) {
                    failure.set(e);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            caller.start();
            while (server.requests().isEmpty()) {
                Thread.sleep(20);
            }
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
}
