package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.cli.Fixture;
import dev.zdd.lb.FakeHaproxy;
import dev.zdd.platform.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --lb} and its companions through the whole command, in-process, with the real HAProxy clients against a
 * stand-in HAProxy (its admin socket and its stats page) and the in-memory platform on the fake clock.
 */
@Timeout(30)
class LoadBalancerOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    @TempDir
    Path sockets;

    Fixture zdd;
    FakeHaproxy haproxy;
    String socket;
    Service web1;
    Service web2;

    @BeforeEach
    void setUp() throws IOException {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
        zdd.platform.healthy(web1, Duration.ofSeconds(2)).healthy(web2, Duration.ofSeconds(2));
        haproxy = new FakeHaproxy().add("app", "web-1-1", "127.0.0.1:10000").add("app", "web-2-1", "127.0.0.1:10001");
        haproxy.readsUntilUp = 2;
        socket = haproxy.socket(sockets);
    }

    @AfterEach
    void tearDown() throws IOException {
        haproxy.close();
    }

    private static List<JsonNode> events(Fixture.Result result) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : result.outLines()) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    @Test
    void drainsEachServiceBeforeItsRedeploy_andMovesOnWhenTheLoadBalancerSaysUp_withoutADrainDelay() throws IOException {
        Fixture.Result result = zdd.run("redeploy", "--output", "json", "--lb", socket, "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(haproxy.orders).containsExactly("drain app/web-1-1", "ready app/web-1-1", "drain app/web-2-1",
                "ready app/web-2-1");
        List<JsonNode> events = events(result);
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("plan",
                "lb-drain", "lb-drained", "redeploy", "state", "state", "ready", "lb-up",
                "lb-drain", "lb-drained", "redeploy", "state", "state", "ready", "lb-up", "summary");
        JsonNode drain = events.get(1);
        assertThat(drain.get("service").asText()).isEqualTo("web-1");
        assertThat(drain.get("servers")).hasSize(1).first().extracting(JsonNode::asText).isEqualTo("app/web-1-1");
        JsonNode drained = events.get(2);
        assertThat(drained.get("seconds").asDouble()).isZero();
        assertThat(drained.get("sessions").asInt()).isZero();
        assertThat(drained.get("sessionsAtStart").asInt()).isZero();
        assertThat(drained.has("timedOut")).isFalse();
        assertThat(events.get(7).get("seconds").asDouble()).as("lb-up: a look at once, UP at the next").isEqualTo(0.25);
        JsonNode planned = events.get(0).get("services").get(0).get("lb").get(0);
        assertThat(planned.get("lb").asText()).isEqualTo(socket);
        assertThat(planned.get("server").asText()).isEqualTo("web-1-1");
        assertThat(planned.get("address").asText()).isEqualTo("127.0.0.1:10000");
        assertThat(planned.get("status").asText()).isEqualTo("UP");
        assertThat(events.get(events.size() - 1).has("lbRestored")).isFalse();
    }

    @Test
    void aDrainThatTimesOutGoesOn_andItsEventSaysSoWithTheSessionsStillOpen() throws IOException {
        haproxy.server("app/web-1-1").sessions = 3;
        haproxy.server("app/web-1-1").holdSessions = true;

        Fixture.Result json = zdd.run("redeploy", "--output", "json", "--lb", socket, "--lb-drain-timeout", "2s",
                "web-1");
        haproxy.server("app/web-1-1").sessions = 3;
        Fixture.Result text = zdd.run("redeploy", "--lb", socket, "--lb-drain-timeout", "2s", "web-1");

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode drained = events(json).stream().filter(e -> e.get("event").asText().equals("lb-drained"))
                .findFirst().orElseThrow();
        assertThat(drained.get("seconds").asDouble()).isEqualTo(2.0);
        assertThat(drained.get("sessions").asInt()).isEqualTo(3);
        assertThat(drained.get("sessionsAtStart").asInt()).isEqualTo(3);
        assertThat(drained.get("timedOut").asBoolean()).isTrue();
        assertThat(text.err()).contains("[web-1] Drain timed out after 2.0s (--lb-drain-timeout) with 3 of 3"
                                        + " sessions still open: going on");
    }

    @Test
    void theTextSaysEachLoadBalancerStep() {
        zdd.platform.healthy(web1, Duration.ofSeconds(2));
        haproxy.server("app/web-1-1").sessions = 2;

        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "web-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("[web-1] Draining in the load balancer: app/web-1-1",
                "[web-1] Drained in 0.0s (0 sessions)", "[web-1] UP in the load balancer after 0.3s");
        assertThat(result.err()).contains("Plan: 1 service one after another; drain 0s");
    }

    @Test
    void aDryRunListsEachServicesServersAndTheirStatusNow_andOrdersNothing() {
        haproxy.server("app/web-2-1").sessions = 3;

        Fixture.Result result = zdd.run("redeploy", "--dry-run", "--lb", socket, "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("     lb: app/web-1-1 at 127.0.0.1:10000: UP, 0 sessions\n",
                "     lb: app/web-2-1 at 127.0.0.1:10001: UP, 3 sessions\n");
        assertThat(haproxy.orders).isEmpty();
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void theStatsPageWithZddLbAuth_andTheCredentialsNeverShow_evenAtMinusVv() throws IOException {
        String page = haproxy.page().toString();
        zdd.variables.put("ZDD_LB_AUTH", FakeHaproxy.USER + ":" + FakeHaproxy.PASSWORD);

        Fixture.Result result = zdd.run("redeploy", "-vv", "--lb", page, "web-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(haproxy.orders).containsExactly("drain app/web-1-1", "ready app/web-1-1");
        assertCredentialsNeverShow(result);
    }

    @Test
    void credentialsInTheUrlWork_andNeverShow_notEvenInAnError() throws IOException {
        String page = haproxy.page().toString().replace("://", "://" + FakeHaproxy.USER + ":" + FakeHaproxy.PASSWORD
                                                                + "@");

        Fixture.Result ok = zdd.run("redeploy", "--output", "json", "--lb", page, "web-1");
        Fixture.Result bad = zdd.run("redeploy", "--lb", page + " with a space", "web-1");
        Fixture.Result refused = zdd.run("redeploy", "--lb", page.replace(FakeHaproxy.PASSWORD, "wrong-" + FakeHaproxy.PASSWORD), "web-1");

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertCredentialsNeverShow(ok);
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("zdd: invalid value for --lb: 'http://***@127.0.0.1:");
        assertCredentialsNeverShow(bad);
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(refused.err()).contains("the stats page refused the credentials");
        assertCredentialsNeverShow(refused);
    }

    private static void assertCredentialsNeverShow(Fixture.Result result) {
        String basic = Base64.getEncoder().encodeToString((FakeHaproxy.USER + ":" + FakeHaproxy.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(result.out() + result.err()).doesNotContain(FakeHaproxy.PASSWORD).doesNotContain(basic);
    }

    @Test
    void zddLbNamesTheLoadBalancersWhenNoLbIsGiven() {
        zdd.variables.put("ZDD_LB", socket);

        Fixture.Result result = zdd.run("redeploy", "web-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(haproxy.orders).containsExactly("drain app/web-1-1", "ready app/web-1-1");
    }

    @Test
    void anExplicitDrainDelayStillHolds() {
        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "--drain-delay", "3s", "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(zdd.time.naps()).contains(Duration.ofSeconds(3));
        assertThat(result.err()).contains("[web-1] Draining 3s");
    }

    @Test
    void lbServerNamesTheServers() {
        haproxy.add("blue", "one", "10.0.0.1:80").add("blue", "two", "10.0.0.2:80");

        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "--lb-server", "web-1=blue/*", "web-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(haproxy.orders).containsExactly("drain blue/one", "drain blue/two", "ready blue/one",
                "ready blue/two");
    }

    @Test
    void badLoadBalancerOptionsAreUsageErrors() {
        assertThat(zdd.run("redeploy", "--lb-server", "web-1=app/x", "web-1").err())
                .startsWith("zdd: --lb-server needs --lb (or ZDD_LB)\n");
        assertThat(zdd.run("redeploy", "--lb", socket, "--lb-server", "web-1", "web-1").err())
                .startsWith("zdd: invalid value for --lb-server: 'web-1' is not SERVICE=BACKEND/SERVER");
        assertThat(zdd.run("redeploy", "--lb", "tcp://127.0.0.1:9999", "web-1").err())
                .startsWith("zdd: invalid value for --lb: 'tcp://127.0.0.1:9999' is not unix:///path/to/admin.sock");
        assertThat(zdd.run("redeploy", "--lb-drain-timeout", "5s", "web-1").exitCode()).isEqualTo(2);
        assertThat(zdd.run("redeploy", "--lb", "http://admin:secret-one@10.1.2.3:8404/stats", "web-1").err())
                .startsWith("zdd: --lb http://10.1.2.3:8404/stats: plain http:// to a host that is not a loopback"
                            + " address would send the credentials readable");
        Fixture.Result json = zdd.run("redeploy", "--output", "json", "--lb", "nope", "web-1");
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.out()).contains("\"event\":\"summary\"", "\"outcome\":\"refused\"");
        assertThat(haproxy.orders).isEmpty();
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void aTargetWithoutServersIsExit4_namingWhatZddLookedFor() {
        zdd.platform.add("api");

        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "web-1", "api");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).startsWith("zdd: preflight refused, nothing was redeployed: api: no server in the load"
                                            + " balancer is its: looked for a server at 127.0.0.1:10002 or a server"
                                            + " named api-1 in " + socket);
        assertThat(haproxy.orders).isEmpty();
    }

    @Test
    void aLoadBalancerThatCantBeReadIsExit4() throws IOException {
        haproxy.stop();

        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "web-1");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).startsWith("zdd: preflight refused, nothing was redeployed: the load balancer could"
                                            + " not be read, so zdd can't drain anything: " + socket + ": no socket at");
    }

    @Test
    void sigintWhileDrainedSetsTheServersReadyAgain_andTheSummarySaysSo_inTextAndJson() throws IOException {
        haproxy.server("app/web-1-1").sessions = 5;
        haproxy.server("app/web-1-1").holdSessions = true;
        zdd.time.onSleep(nap -> {
            if (zdd.time.naps().size() == 3) {
                zdd.interrupts.raise();
            }
        });

        Fixture.Result text = zdd.run("redeploy", "--lb", socket, "web-1", "web-2");

        assertThat(text.exitCode()).isEqualTo(130);
        assertThat(haproxy.orders).containsExactly("drain app/web-1-1", "ready app/web-1-1");
        assertThat(zdd.platform.redeployed()).isEmpty();
        assertThat(text.out()).contains("lb: app/web-1-1 set ready again in " + socket
                                        + " (the run ended while it was drained)");

        haproxy.orders.clear();
        haproxy.server("app/web-1-1").sessions = 5;
        zdd.time.onSleep(nap -> {
            if (nap.equals(Duration.ofMillis(250)) && haproxy.orders.size() == 1) {
                zdd.interrupts.raise();
            }
        });
        Fixture.Result json = zdd.run("redeploy", "--output", "json", "--lb", socket, "web-1", "web-2");

        assertThat(json.exitCode()).isEqualTo(130);
        JsonNode summary = JSON.readTree(json.outLines().get(json.outLines().size() - 1));
        assertThat(summary.get("lbRestored")).hasSize(1);
        assertThat(summary.get("lbRestored").get(0).get("server").asText()).isEqualTo("app/web-1-1");
        assertThat(summary.get("lbRestored").get(0).get("restored").asBoolean()).isTrue();
        assertThat(haproxy.server("app/web-1-1").status).isNotEqualTo("DRAIN");
    }

    @Test
    void aLoadBalancerThatGoesAwayMidRunFailsTheRun_andTheSummarySaysWhatIsStillDrained() throws IOException {
        haproxy.server("app/web-1-1").sessions = 1;
        haproxy.server("app/web-1-1").holdSessions = true;
        zdd.time.onSleep(nap -> {
            try {
                if (haproxy.orders.size() == 1) {
                    haproxy.stop();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        Fixture.Result result = zdd.run("redeploy", "--lb", socket, "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(zdd.platform.redeployed()).isEmpty();
        assertThat(result.out()).contains("web-1  failed", "the load balancer failed while draining",
                "lb: app/web-1-1 is still drained in " + socket + ": " + socket + ": no socket at",
                "set it ready by hand");
    }
}
