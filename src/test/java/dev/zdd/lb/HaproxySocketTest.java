package dev.zdd.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancer.Admin;
import dev.zdd.rollout.LoadBalancerException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class HaproxySocketTest {

    @TempDir
    Path dir;

    @Test
    void readsTheServersWithShowStat() throws IOException {
        String csv = StatsCsvTest.sample();
        try (FakeSocket socket = new FakeSocket(dir, command -> command.equals("show stat") ? csv : "Unknown command.\n")) {
            HaproxySocket lb = new HaproxySocket(socket.path);

            assertThat(lb.servers()).extracting(LoadBalancer.Server::id).containsExactly("app/s1", "app/s2", "nochk/n1");
            assertThat(socket.commands).containsExactly("show stat");
            assertThat(lb.describe()).isEqualTo("unix://" + socket.path);
        }
    }

    @Test
    void drainsAndReadiesWithSetServer_anEmptyAnswerMeaningDone() throws IOException {
        try (FakeSocket socket = new FakeSocket(dir, command -> "\n")) {
            HaproxySocket lb = new HaproxySocket(socket.path);

            lb.set("app", "web-1-1", Admin.DRAIN);
            lb.set("app", "web-1-1", Admin.READY);

            assertThat(socket.commands).containsExactly("set server app/web-1-1 state drain",
                    "set server app/web-1-1 state ready");
        }
    }

    @Test
    void anyOtherAnswerToAnOrderIsAnError_thatSaysWhatHaproxySaid() throws IOException {
        try (FakeSocket socket = new FakeSocket(dir, command -> command.contains("nope") ? "No such server.\n\n"
                : "Permission denied\n\n")) {
            HaproxySocket lb = new HaproxySocket(socket.path);

            assertThatThrownBy(() -> lb.set("app", "nope", Admin.DRAIN)).isInstanceOf(LoadBalancerException.class)
                    .hasMessage(lb.describe() + ": 'set server app/nope state drain' was refused: No such server.");
            assertThatThrownBy(() -> lb.set("app", "web-1-1", Admin.DRAIN))
                    .hasMessageEndingWith("was refused: Permission denied (the socket must be at admin level: 'stats"
                                          + " socket " + socket.path + " level admin')");
        }
    }

    @Test
    void aNameThatCouldCarryAnotherCommandIsNeverSent() throws IOException {
        try (FakeSocket socket = new FakeSocket(dir, command -> "\n")) {
            HaproxySocket lb = new HaproxySocket(socket.path);

            assertThatThrownBy(() -> lb.set("app", "web-1\nshutdown sessions server app/web-2", Admin.DRAIN))
                    .isInstanceOf(LoadBalancerException.class).hasMessageContaining("is not a backend or server name");
            assertThatThrownBy(() -> lb.set("app;x", "web-1", Admin.DRAIN)).isInstanceOf(LoadBalancerException.class);
            assertThat(socket.commands).isEmpty();
        }
    }

    @Test
    void noSocketSaysWhereZddLookedAndWhatToCheck() {
        HaproxySocket lb = new HaproxySocket(dir.resolve("missing.sock"));

        assertThatThrownBy(lb::servers).isInstanceOf(LoadBalancerException.class)
                .hasMessage(lb.describe() + ": no socket at " + dir.resolve("missing.sock") + " (is HAProxy running,"
                            + " with 'stats socket " + dir.resolve("missing.sock") + " level admin'?)");
    }

    @Test
    void aLoadBalancerThatNeverAnswersIsGivenUpOnAtTheTimeout() throws IOException {
        try (FakeSocket socket = new FakeSocket(dir, command -> null)) {
            HaproxySocket lb = new HaproxySocket(socket.path, Duration.ofMillis(300));

            assertThatThrownBy(lb::servers).isInstanceOf(LoadBalancerException.class)
                    .hasMessage(lb.describe() + ": no answer to 'show stat' within 300ms");
        }
    }

    @Test
    void anInterruptEndsAWaitAtOnce_andStaysSet() throws Exception {
        try (FakeSocket socket = new FakeSocket(dir, command -> null)) {
            HaproxySocket lb = new HaproxySocket(socket.path, Duration.ofSeconds(30));
            Thread caller = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                caller.interrupt();
            });
            interrupter.start();
            long start = System.nanoTime();

            assertThatThrownBy(lb::servers).isInstanceOf(LoadBalancerException.class).hasMessageContaining("interrupted");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(Thread.interrupted()).isTrue();
            interrupter.join();
        }
    }
}
