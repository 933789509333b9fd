package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --report FILE} and {@code zdd report}: the page of a run, whatever its outcome and output format. */
class ReportOptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    @TempDir
    Path folder;
    private Fixture zdd;
    private Service web1;
    private Service web2;
    private HttpServer server;
    private Path page;

    @BeforeEach
    void setUp() throws IOException {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
        page = folder.resolve("rollout.html");
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

    @Test
    void writesThePageAtTheEndOfATextRun_andPrintsWhatItAlwaysPrinted() throws IOException {
        zdd.platform.healthy(web1, Duration.ofSeconds(3)).healthy(web2, Duration.ofSeconds(4));

        Fixture.Result result = zdd.run("redeploy", "--report", page.toString(), "web-1", "web-2");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).doesNotContain("{").contains("success: 2 of 2 services redeployed");
        String html = Files.readString(page);
        assertThat(html).contains("<b>web-1</b>", "<b>web-2</b>", ">" + web1.id() + "<", ">" + web2.id() + "<",
                "✓ success", ">tutum<", "drain 10s", ">3.0<", ">4.0<");
        assertThat(folderFiles()).containsExactly("rollout.html");
    }

    @Test
    void theJsonStreamCarriesThePagesFigures_andZddReportRendersTheSamePage() throws IOException {
        zdd.platform.healthy(web1, Duration.ofSeconds(3)).healthy(web2, Duration.ofSeconds(3));
        eachNapTakesRealTime(Duration.ofMillis(150));

        Fixture.Result result = zdd.run("redeploy", "--output", "json", "--report", page.toString(), "--probe", up(),
                "--drain-delay", "1s", "web-1", "web-2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> events = events(result.out());
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("started").asText()).isEqualTo(zdd.time.instant().minus(totalNapped()).toString());
        assertThat(summary.path("platform").asText()).isEqualTo("tutum");
        assertThat(summary.path("zdd").asText()).isNotEmpty();
        List<JsonNode> probes = events.stream().filter(e -> e.path("event").asText().equals("probe")).toList();
        assertThat(probes).isNotEmpty().allSatisfy(probe -> {
            assertThat(probe.path("url").asText()).isEqualTo(up());
            assertThat(probe.path("bucketMs").asInt()).isEqualTo(100);
            assertThat(probe.path("ok").size()).isEqualTo(probe.path("failed").size())
                    .isEqualTo(probe.path("p50Ms").size()).isEqualTo(probe.path("p99Ms").size()).isPositive();
        });
        long bucketed = probes.stream().mapToLong(p -> sum(p.path("ok")) + sum(p.path("failed"))).sum();
        assertThat(bucketed).isEqualTo(summary.path("probes").get(0).path("requests").asLong()).isPositive();

        Path saved = folder.resolve("rollout.ndjson");
        Files.writeString(saved, result.out());
        Fixture.Result rendered = zdd.run("report", saved.toString());
        assertThat(rendered.exitCode()).isZero();
        assertThat(rendered.out()).isEqualTo(Files.readString(page));
    }

    @Test
    void perContainerRunsGetALanePerContainerUnderTheirService() throws IOException {
        Service api = zdd.platform.add("api", null, ServiceState.RUNNING, 2, 2);
        zdd.platform.healthyContainers(api, Duration.ofSeconds(2));

        Fixture.Result result = zdd.run("redeploy", "--per-container", "--drain-delay", "5s", "--report",
                page.toString(), "api");

        assertThat(result.exitCode()).as(result.err()).isZero();
        String html = Files.readString(page);
        assertThat(html).contains("<b>api</b>", "<b>api-1</b>", "<b>api-2</b>", "2 containers", "drain 5s",
                "container of api");
    }

    @Test
    void aDryRunsPageShowsThePlanAndSaysNothingWasRedeployed() throws IOException {
        Fixture.Result result = zdd.run("redeploy", "--dry-run", "--report", page.toString(), "web-2", "web-1");

        assertThat(result.exitCode()).isZero();
        String html = Files.readString(page);
        assertThat(html).contains("Dry run: nothing was redeployed.", "dry run: 2 services: web-2, web-1");
        assertThat(html.indexOf("<b>web-2</b>")).isLessThan(html.indexOf("<b>web-1</b>"));
    }

    @Test
    void writesThePageWhenAServiceFails() throws IOException {
        zdd.platform.script(web1,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false),
                new Frame(Duration.ofSeconds(4), ServiceState.STOPPED, 0, ActionState.FAILED, false));

        Fixture.Result result = zdd.run("redeploy", "--report", page.toString(), "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(Files.readString(page)).contains("✕ failed", "web-1 failed at +", "Not started: web-2.");
    }

    @Test
    void writesThePageWhenInterrupted() throws IOException {
        zdd.platform.healthy(web1, Duration.ofSeconds(5)).healthy(web2, Duration.ofSeconds(5));
        zdd.time.onSleep(nap -> {
            if (zdd.time.naps().size() == 2) {
                zdd.interrupts.raise();
            }
        });

        Fixture.Result result = zdd.run("redeploy", "--report", page.toString(), "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(130);
        assertThat(Files.readString(page)).contains("✕ interrupted", ">130<");
    }

    @Test
    void writesThePageWhenThePlatformCannotBeUsed_withoutASecretInIt() throws IOException {
        zdd.platforms = connection -> Fixture.failing(
                PlatformException.status("GET", "/api/v1/service/?key=" + Fixture.KEY, 401, "Unauthorized"));

        Fixture.Result result = zdd.run("redeploy", "--report", page.toString(), "web-1");

        assertThat(result.exitCode()).isEqualTo(5);
        String html = Files.readString(page);
        assertThat(html).contains(">5<", "not_started").doesNotContain(Fixture.KEY);
    }

    @Test
    void exits2_andTouchesNothing_whenThePageCannotBeWrittenThere() {
        Fixture.Result result = zdd.run("redeploy", "--report", folder.resolve("no/such/dir/x.html").toString(),
                "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines().get(0)).startsWith("zdd: invalid value for --report: no such directory: ");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void zddReport_exits2_withOneLine_forAFileThatIsNotThere() {
        Fixture.Result result = zdd.run("report", folder.resolve("missing.ndjson").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines().get(0)).isEqualTo("zdd: cannot read " + folder.resolve("missing.ndjson")
                                                       + ": no such file");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void zddReport_exits2_forAFileWithoutZddEvents() throws IOException {
        Path text = Files.writeString(folder.resolve("notes.txt"), "hello\n{\"no\":\"event\"}\n");

        Fixture.Result result = zdd.run("report", text.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines().get(0)).startsWith("zdd: no zdd events in " + text);
    }

    @Test
    void zddReport_rendersACutStream_andSaysWhatItSkipped() throws IOException {
        Path cut = Files.writeString(folder.resolve("cut.ndjson"),
                "{\"event\":\"plan\",\"time\":\"2026-01-01T00:00:00Z\",\"services\":[{\"name\":\"web-1\"}]}\n"
                + "{\"event\":\"redeploy\",\"time\":\"2026-01-01T00:00:01Z\",\"service\":\"web-1\"}\n{\"event\":\"st");

        Fixture.Result result = zdd.run("report", cut.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.errLines()).containsExactly("zdd: report: skipped 1 line of " + cut
                                                      + " that is not zdd events");
        assertThat(result.out()).startsWith("<!DOCTYPE html>").contains("<b>web-1</b>", "unfinished",
                "The stream has no summary");
    }

    @Test
    void demoRejectsAReportItCouldNotWrite() {
        Fixture.Result result = zdd.run("demo", "--report", folder.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines().get(0)).isEqualTo("zdd: invalid value for --report: " + folder
                                                       + " is a directory");
    }

    private List<String> folderFiles() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    private String up() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
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

    private Duration totalNapped() {
        return zdd.time.totalSlept();
    }

    private static long sum(JsonNode numbers) {
        long total = 0;
        for (JsonNode number : numbers) {
            total += number.asLong();
        }
        return total;
    }

    private static List<JsonNode> events(String ndjson) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            events.add(JSON.readTree(line));
        }
        return events;
    }
}
