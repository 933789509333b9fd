package dev.zdd.cli.command;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessOptionsTest {

    @TempDir
    Path home;
    private Fixture zdd;
    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        zdd = new Fixture(home);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/down") ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void perContainer_redeploysEachContainer_andNamesItInTheProgressLines() {
        Service api = zdd.platform.add("api", null, ServiceState.RUNNING, 2, 2);
        zdd.platform.healthyContainers(api, ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--per-container", "--drain-delay", "2s", "api");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.platform.calls()).filteredOn(c -> c.startsWith("redeploy"))
                .containsExactly("redeploy container api-1", "redeploy container api-2");
        assertThat(result.err()).contains("[api/api-1] Redeploying").contains("[api/api-2] Running")
                .contains("[api] Draining 2s");
    }

    @Test
    void perContainer_jsonEventsCarryTheContainer() throws Exception {
        Service api = zdd.platform.add("api", null, ServiceState.RUNNING, 2, 2);
        zdd.platform.healthyContainers(api, ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--per-container", "--output", "json", "api");

        ObjectMapper json = new ObjectMapper();
        long redeploysWithContainer = result.outLines().stream().map(line -> {
            try {
                return json.readTree(line);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }).filter(e -> e.path("event").asText().equals("redeploy")).map(e -> e.path("container"))
                .filter(JsonNode::isTextual).count();
        assertThat(redeploysWithContainer).isEqualTo(2);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void readyUrl_isCheckedTheWantedNumberOfTimes() {
        Service web = zdd.platform.add("web");
        zdd.platform.healthy(web, ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--ready-url", url("/up"), "--ready-successes", "4", "web");

        assertThat(result.exitCode()).isZero();
        assertThat(hits.get()).isEqualTo(4);
    }

    @Test
    void exits1_whenTheReadyUrlNeverAnswers2xx() {
        Service web = zdd.platform.add("web");
        zdd.platform.healthy(web, ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--ready-url", url("/down"), "--timeout", "5s", "web");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("not ready").contains("HTTP 503");
    }

    @Test
    void exits4_whenReadyPathIsAskedForAContainerWithoutAnHttpPort() {
        Service web = zdd.platform.add("web");
        zdd.platform.setContainers(web, java.util.List.of(new dev.zdd.platform.Container("c1", "web-1",
                web.id(), dev.zdd.platform.ContainerState.RUNNING, null, java.util.List.of())));

        Fixture.Result result = zdd.run("redeploy", "--ready-path", "/health", "web");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).contains("web-1 publishes no HTTP port");
    }

    @Test
    void exits2_forAReadyUrlThatIsNotHttp() {
        zdd.platform.add("web");

        Fixture.Result result = zdd.run("redeploy", "--ready-url", "ftp://x/", "web");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--ready-url").contains("ftp://x/");
    }

    @Test
    void exits2_forZeroReadySuccesses() {
        zdd.platform.add("web");

        Fixture.Result result = zdd.run("redeploy", "--ready-successes", "0", "--ready-url", url("/"), "web");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--ready-successes");
    }
}
