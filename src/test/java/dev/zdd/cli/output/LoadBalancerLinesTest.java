package dev.zdd.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.lb.FakeHaproxy;
import dev.zdd.platform.Service;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load balancer's steps on a terminal: on the step's own live line, which the drain opens. */
@Timeout(30)
class LoadBalancerLinesTest {

    @TempDir
    Path home;
    @TempDir
    Path sockets;

    Fixture zdd;
    FakeHaproxy haproxy;
    String socket;

    @BeforeEach
    void setUp() throws IOException {
        zdd = new Fixture(home).onATerminal();
        Service web1 = zdd.platform.add("web-1");
        Service web2 = zdd.platform.add("web-2");
        zdd.platform.healthy(web1, Duration.ofSeconds(12)).healthy(web2, Duration.ofSeconds(3));
        haproxy = new FakeHaproxy().add("app", "web-1-1", "127.0.0.1:10000").add("app", "web-2-1", "127.0.0.1:10001");
        haproxy.readsUntilUp = 3;
        socket = haproxy.socket(sockets);
    }

    @AfterEach
    void tearDown() throws IOException {
        haproxy.close();
    }

    @Test
    void eachServiceKeepsOneLine_fromItsDrainToUpInTheLoadBalancer() {
        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Screen.of(result.err())).endsWith(
                "[web-1] Ready after 12.0s, UP in the load balancer after 0.5s  12.5s",
                "[web-2] Ready after 3.0s, UP in the load balancer after 0.5s  3.5s");
        assertThat(result.err()).contains("Draining in the load balancer");
    }
}
