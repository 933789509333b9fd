package dev.zdd.cli.command;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeOptionsTest {

    @TempDir
    Path home;
    private Fixture zdd;
    private HttpServer server;

    @BeforeEach
    void setUp() throws Exception {
        zdd = new Fixture(home);
        Service web = zdd.platform.add("web");
        zdd.platform.healthy(web, ofSeconds(1));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String up() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static String down() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/";
        }
    }

    @Test
    void exits0_andReportsTheProbe_whenItSawNoFailure() {
        Fixture.Result result = zdd.run("redeploy", "--probe", up(), "web");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("probe " + up() + ": ").contains(" 0 failed");
    }

    /** On the fake clock a rollout takes no real time; the prober measures real time, so let some pass. */
    private void eachNapTakesRealTime(Duration real) {
        zdd.time.onSleep(nap -> {
            try {
                Thread.sleep(real.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void exits6_withOutcomeDowntime_whenTheProbesFailedMoreThanTheBudget() throws Exception {
        eachNapTakesRealTime(Duration.ofMillis(400));

        Fixture.Result result = zdd.run("redeploy", "--probe", down(), "--output", "json", "web");

        assertThat(result.exitCode()).isEqualTo(6);
        JsonNode summary = new ObjectMapper().readTree(result.outLines().get(result.outLines().size() - 1));
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("outcome").asText()).isEqualTo("downtime");
        assertThat(summary.path("exitCode").asInt()).isEqualTo(6);
        JsonNode probe = summary.path("probes").get(0);
        assertThat(probe.path("requests").asLong()).isPositive();
        assertThat(probe.path("failures").asLong()).isPositive();
        assertThat(probe.has("longestOutageMs")).isTrue();
    }

    @Test
    void aBudgetToleratesThatManyFailures() throws Exception {
        eachNapTakesRealTime(Duration.ofMillis(400));

        Fixture.Result result = zdd.run("redeploy", "--probe", down(), "--probe-budget", "1000000", "web");

        assertThat(result.exitCode()).isZero();
    }

    @Test
    void aFailedRolloutStaysExit1_whateverTheProbesSaw() throws Exception {
        Fixture.Result result = zdd.run("redeploy", "--probe", down(), "--timeout", "100ms", "web");

        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void exits2_forABadProbeUrlOrInterval() {
        assertThat(zdd.run("redeploy", "--probe", "localhost:80", "web").exitCode()).isEqualTo(2);
        assertThat(zdd.run("redeploy", "--probe", up(), "--probe-interval", "0", "web").exitCode()).isEqualTo(2);
        assertThat(zdd.run("redeploy", "--probe-budget", "-1", "web").exitCode()).isEqualTo(2);
    }

    @Test
    void aDryRunSendsNoProbe() {
        Fixture.Result result = zdd.run("redeploy", "--dry-run", "--probe", up(), "web");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).doesNotContain("probe ");
        assertThat(List.of(result.out())).isNotEmpty();
    }
}
