package dev.zdd.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancer.Admin;
import dev.zdd.rollout.LoadBalancerException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stats page client against a stand-in that answers as HAProxy 2.6's stats page does. */
@Timeout(20)
class HaproxyStatsPageTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String outcome = "DONE";
    private volatile int status = 303;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                         + exchange.getRequestHeaders().getFirst("Authorization")
                         + (body.isEmpty() ? "" : " " + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body));
            if (!"Basic YWRtaW46czNjcmV0".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Location", "/haproxy?stats;st=" + outcome);
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            byte[] csv = StatsCsvTest.sample().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, csv.length);
            exchange.getResponseBody().write(csv);
        }
    }

    private URI page() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/haproxy?stats");
    }

    @Test
    void readsTheServersFromThePagesCsv_withTheCredentials() {
        HaproxyStatsPage lb = new HaproxyStatsPage(page(), "admin:s3cret");

        assertThat(lb.servers()).extracting(LoadBalancer.Server::id).containsExactly("app/s1", "app/s2", "nochk/n1");
        assertThat(requests).containsExactly("GET /haproxy?stats;csv Basic YWRtaW46czNjcmV0");
    }

    @Test
    void drainsAndReadiesWithTheStatsAdminForm_whichAnswers303WithStDone() {
        HaproxyStatsPage lb = new HaproxyStatsPage(page(), "admin:s3cret");

        lb.set("app", "web-1-1", Admin.DRAIN);
        lb.set("app", "web-1-1", Admin.READY);

        assertThat(requests).containsExactly(
                "POST /haproxy?stats Basic YWRtaW46czNjcmV0 application/x-www-form-urlencoded"
                + " s=web-1-1&action=drain&b=app",
                "POST /haproxy?stats Basic YWRtaW46czNjcmV0 application/x-www-form-urlencoded"
                + " s=web-1-1&action=ready&b=app");
    }

    @Test
    void anOutcomeOtherThanDoneSaysWhatHaproxyMeant() {
        HaproxyStatsPage lb = new HaproxyStatsPage(page(), "admin:s3cret");

        outcome = "DENY";
        assertThatThrownBy(() -> lb.set("app", "s1", Admin.DRAIN)).isInstanceOf(LoadBalancerException.class)
                .hasMessage(page() + ": 'drain' for app/s1 was not done: the stats page takes no orders: it needs"
                            + " 'stats admin if ...' (and credentials that the condition admits)");
        outcome = "ERRP";
        assertThatThrownBy(() -> lb.set("app", "nope", Admin.DRAIN))
                .hasMessageEndingWith("HAProxy refused the parameters (no such backend or server?)");
        status = 200;
        assertThatThrownBy(() -> lb.set("app", "s1", Admin.DRAIN))
                .hasMessage(page() + ": POST 'drain' for app/s1 answered HTTP 200: not what HAProxy's stats page"
                            + " answers");
    }

    @Test
    void refusedCredentialsAreSaidSo_withoutShowingThem() {
        HaproxyStatsPage lb = new HaproxyStatsPage(page(), "admin:wrong-password");

        assertThatThrownBy(lb::servers).isInstanceOf(LoadBalancerException.class)
                .hasMessage(page() + ": GET answered HTTP 401: the stats page refused the credentials (ZDD_LB_AUTH,"
                            + " or user:password in the URL)")
                .message().doesNotContain("wrong-password");
    }

    @Test
    void aPageThatIsNotThereIsAConnectionRefused() {
        URI gone = page();
        server.stop(0);
        HaproxyStatsPage lb = new HaproxyStatsPage(gone, null);

        assertThatThrownBy(lb::servers).isInstanceOf(LoadBalancerException.class)
                .hasMessage(gone + ": connection refused (is HAProxy's stats page there?)");
    }
}
