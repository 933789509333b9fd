package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zdd.lb.HaproxyStatsPage;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancer.Admin;
import dev.zdd.rollout.LoadBalancerException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sandbox's load balancer speaks HAProxy's stats page: its CSV (read here by zdd's own client, and by column
 * position as HAProxy's own tools do) and its {@code stats admin} form, behind the API's credentials.
 */
@Timeout(30)
class StatsPageTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Sandbox sandbox;
    private HaproxyStatsPage lb;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web-1", "web-2"))
                .healthCheck(new HealthCheck(Duration.ofMillis(500), 2, 2)).build().start();
        lb = new HaproxyStatsPage(sandbox.lbStatsUrl(), sandbox.user() + ":" + sandbox.apiKey());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void showsEachContainerAsAServerOfBackendApp_withItsAddressStatusAndSessions() {
        Map<String, Integer> ports = sandbox.containerPorts();

        assertThat(lb.servers()).extracting(s -> s.id() + " " + s.address() + " " + s.sessions())
                .containsExactly("app/web-1-1 127.0.0.1:" + ports.get("web-1-1") + " 0",
                        "app/web-2-1 127.0.0.1:" + ports.get("web-2-1") + " 0");
        // UP, or UP 1/2 when a check of a loaded machine was late
        assertThat(lb.servers()).allSatisfy(s -> assertThat(s.status()).startsWith("UP"));
        assertThat(sandbox.lbStatsUrl().toString()).matches("http://127\\.0\\.0\\.1:\\d+/haproxy\\?stats");
    }

    @Test
    void itsCsvHasHaproxysColumnsInHaproxysPlaces() throws Exception {
        String csv = get(URI.create(sandbox.lbStatsUrl() + ";csv"), true).body();
        List<String> lines = csv.lines().toList();

        assertThat(lines.get(0)).startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,");
        String[] server = lines.stream().filter(l -> l.startsWith("app,web-1-1,")).findFirst().orElseThrow()
                .split(",", -1);
        // HAProxy 2.6's positions: svname 1, scur 4, status 17, check_status 36, addr 73.
        assertThat(server[1]).isEqualTo("web-1-1");
        assertThat(server[4]).isEqualTo("0");
        assertThat(server[17]).startsWith("UP");
        assertThat(server[36]).matches("L7OK|L7STS|L4CON|L4TOUT");
        assertThat(server[73]).isEqualTo("127.0.0.1:" + sandbox.containerPorts().get("web-1-1"));
        assertThat(lines).anyMatch(l -> l.startsWith("lb,FRONTEND,")).anyMatch(l -> l.startsWith("app,BACKEND,"));
    }

    @Test
    void aDrainedServerGetsNoNewRequest_itsSessionsEndAndShow_andReadyBringsItBack() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = null;
        for (int i = 0; i < 2; i++) { // round-robin: one of the two lands on web-1-1
            CompletableFuture<HttpResponse<String>> request = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(sandbox.lbUrl() + "?delay=1500")).build(),
                    HttpResponse.BodyHandlers.ofString());
            slow = slow == null ? request : slow.thenCombine(request, (a, b) -> b);
        }
        awaitSessions("web-1-1", 1);

        lb.set("app", "web-1-1", Admin.DRAIN);

        // DRAIN, or DRAIN 1/2 when a check of a loaded machine was late
        assertThat(server("web-1-1").status()).startsWith("DRAIN");
        assertThat(server("web-1-1").sessions()).as("the request under way goes on").isEqualTo(1);
        Set<String> backends = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            backends.add(get(sandbox.lbUrl(), false).headers().firstValue("X-Sandbox-Backend").orElseThrow());
        }
        assertThat(backends).containsExactly("web-2-1");
        assertThat(slow.get().statusCode()).isEqualTo(200);
        assertThat(server("web-1-1").sessions()).isZero();
        assertThat(sandbox.inRotation()).containsExactly("web-2-1");

        lb.set("app", "web-1-1", Admin.READY);

        assertThat(server("web-1-1").status()).startsWith("UP");
        assertThat(sandbox.inRotation()).contains("web-1-1");
    }

    @Test
    void anUnknownServerOrActionIsErrp_andWithoutCredentialsNothingIsShownOrDone() throws Exception {
        assertThatThrownBy(() -> lb.set("app", "web-9-1", Admin.DRAIN)).isInstanceOf(LoadBalancerException.class)
                .hasMessageEndingWith("HAProxy refused the parameters (no such backend or server?)");
        assertThatThrownBy(() -> lb.set("other", "web-1-1", Admin.DRAIN)).isInstanceOf(LoadBalancerException.class);

        assertThat(get(URI.create(sandbox.lbStatsUrl() + ";csv"), false).statusCode()).isEqualTo(401);
        HaproxyStatsPage stranger = new HaproxyStatsPage(sandbox.lbStatsUrl(), "sandbox:wrong");
        assertThatThrownBy(() -> stranger.set("app", "web-1-1", Admin.DRAIN))
                .hasMessageContaining("refused the credentials");
        assertThat(server("web-1-1").status()).startsWith("UP");
    }

    private LoadBalancer.Server server(String name) {
        return lb.servers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private void awaitSessions(String name, int count) {
        for (int i = 0; i < 250 && server(name).sessions() < count; i++) {
            ApiClient.pause();
        }
        assertThat(server(name).sessions()).as(lb.servers().stream().map(Object::toString)
                .collect(Collectors.joining("; "))).isEqualTo(count);
    }

    private HttpResponse<String> get(URI uri, boolean credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (credentials) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (sandbox.user() + ":" + sandbox.apiKey()).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
