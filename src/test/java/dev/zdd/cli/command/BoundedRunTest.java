package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.cli.wiring.PlatformFactory;
import dev.zdd.platform.Platform;
import dev.zdd.platform.RawServer;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole command against an API that never finishes answering: --deadline, zdd services' own bound and SIGTERM
 * end it, whatever it is blocked on. Real sockets; wall time is asserted only against generous bounds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedRunTest {

    @TempDir
    Path home;

    Fixture zdd;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        zdd.platforms = PlatformFactory.standard(zdd.time, zdd.time);
    }

    @Test
    void redeploy_withAnEndlessListBody_endsAtItsDeadline() throws Exception {
        try (RawServer api = new RawServer(RawServer.trickling(200))) {
            zdd.variables.put("TUTUM_REST_HOST", api.url());
            long start = System.nanoTime();

            Fixture.Result result = zdd.run("redeploy", "--no-stream", "--deadline", "3s", "web");

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // The limit and the 2 s, with room for a loaded machine's start-up (classes, clients): without
            // the deadline on every call, six tries of a 60 s call timeout.
            assertThat(took).isLessThan(Duration.ofSeconds(3 + 2 + 7));
            // Timed out (exit 1), not "the platform could not be used" (exit 5).
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).contains("timed_out");
            assertThat(result.err()).contains("deadline").doesNotContain("\tat ");
            assertThat(api.requests()).allMatch(request -> !request.startsWith("POST"));
        }
    }

    @Test
    void redeploy_aSigtermWhileACallIsBlocked_endsTheRunAtOnce_withExit130() throws Exception {
        try (RawServer api = new RawServer(RawServer.silent())) {
            zdd.variables.put("TUTUM_REST_HOST", api.url());
            AtomicReference<Fixture.Result> result = new AtomicReference<>();
            Thread run = new Thread(() -> result.set(zdd.run("redeploy", "--no-stream", "web")));
            run.start();
            while (api.requests().isEmpty()) {
                Thread.sleep(20);
            }
            long signalled = System.nanoTime();
            zdd.interrupts.raise();
            run.join(TimeUnit.SECONDS.toMillis(20));

            assertThat(run.isAlive()).isFalse();
            // Milliseconds in fact; the issue asks for a second, the margin is for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(2));
            assertThat(result.get().exitCode()).isEqualTo(130);
        }
    }

    @Test
    void services_isBoundedTo60s_fromItsStart() {
        AtomicReference<Instant> bound = new AtomicReference<>();
        zdd.platform.add("web-1");
        zdd.platforms = connection -> (Platform) Proxy.newProxyInstance(Platform.class.getClassLoader(),
                new Class<?>[] {Platform.class}, (proxy, method, args) -> {
                    if (method.getName().equals("callsUntil")) {
                        bound.set((Instant) args[0]);
                        return null;
                    }
                    return method.invoke(zdd.platform, args);
                });

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isZero();
        assertThat(bound.get()).isEqualTo(zdd.time.instant().plus(ServicesCommand.BOUND));
        assertThat(ServicesCommand.BOUND).isEqualTo(Duration.ofSeconds(60));
    }
}
