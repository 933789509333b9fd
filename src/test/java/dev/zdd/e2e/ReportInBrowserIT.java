package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.sandbox.Sandbox;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the reports of a successful run, a failed run and the demo, made by the built jar and opened in a real
 * browser (Debian's headless Chromium). The DOM has every service name and every figure of the JSON summary, the
 * page asks for nothing from anywhere, and its screenshot is a picture, not a blank page. The screenshots are kept
 * under target/report-screenshots/; the README's picture is the demo's, made smaller with
 * {@code pngquant 32 --strip} into docs/report-demo.png.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReportInBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sandbox's warm-up (0.5 s) and its balancer's rise (2 checks 500 ms apart), with slack: no failed request. */
    private static final String DRAIN = "3s";
    private static final Duration ZDD_LIMIT = Duration.ofSeconds(120);
    private static final Path SCREENSHOTS = Path.of("target", "report-screenshots");
    /** Anything a browser would fetch: a script, a stylesheet, an image or a frame by URL, a CSS url() or import. */
    private static final Pattern FETCHES = Pattern.compile(
            "<script|<link|<iframe|<object|<embed|<img|\\ssrc\\s*=|\\shref\\s*=|url\\(|@import|srcset",
            Pattern.CASE_INSENSITIVE);

    private static Chromium chromium;

    @TempDir
    Path folder;

    @BeforeAll
    static void browser() throws IOException {
        chromium = Chromium.require();
        Files.createDirectories(SCREENSHOTS);
    }

    @Test
    void aSuccessfulRunsReportShowsEveryServiceAndEveryFigureOfItsSummary() throws Exception {
        try (Sandbox sandbox = sandbox().build().start()) {
            Path page = folder.resolve("success.html");
            // The sandbox's balancer may still send a request or two to a container that has just stopped, before
            // its checks notice (more so on a loaded machine): a small budget keeps this a successful run.
            Run run = zdd(sandbox, "redeploy", "--output", "json", "--report", page.toString(), "--probe",
                    sandbox.lbUrl().toString(), "--probe-budget", "10", "--drain-delay", DRAIN, "--poll-interval",
                    "250ms", "web-1", "web-2", "web-3");

            assertThat(run.exitCode).as(run.toString()).isZero();
            JsonNode summary = run.summary();
            String dom = checkedInBrowser(page, "success", summary);
            assertThat(dom).contains("success");

            // The same page from the saved stream: zdd report renders exactly what --report wrote.
            Path saved = folder.resolve("success.ndjson");
            Files.writeString(saved, run.stdout);
            Run rendered = zdd(sandbox, "report", saved.toString());
            assertThat(rendered.exitCode).as(rendered.toString()).isZero();
            assertThat(rendered.stdout).isEqualTo(Files.readString(page));
        }
    }

    @Test
    void aFailedRunsReportShowsTheFailureAndItsReason() throws Exception {
        try (Sandbox sandbox = sandbox().build().start()) {
            sandbox.failNextRedeploy("web-2");
            Path page = folder.resolve("failed.html");
            Run run = zdd(sandbox, "redeploy", "--output", "json", "--report", page.toString(), "--probe",
                    sandbox.lbUrl().toString(), "--drain-delay", DRAIN, "--poll-interval", "250ms",
                    "web-1", "web-2", "web-3");

            assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
            JsonNode summary = run.summary();
            String dom = checkedInBrowser(page, "failed", summary);
            String reason = summary.path("services").get(1).path("reason").asText();
            assertThat(reason).isNotEmpty();
            assertThat(dom).contains("✕ failed", "web-2 failed at +", reason, "Not started: web-3.");
        }
    }

    @Test
    void theDemosReportShowsBothRunsOnOneScale() throws Exception {
        Path page = folder.resolve("demo.html");
        Run run = zdd(null, "demo", "--report", page.toString());

        // On a loaded machine the zdd run may lose a request (exit 6): the page is written, and says so, either way.
        assertThat(run.exitCode).as(run.toString()).isIn(0, 6);
        // Tall enough for both runs: the README's picture is this screenshot (docs/report-demo.png).
        String dom = checkedInBrowser(page, "demo", null, 1040);
        assertThat(dom).contains("Naive", "zdd redeploy", "web-1", "web-2", "longest outage",
                "<dt>Exit code</dt><dd>" + run.exitCode + "</dd>");
        chromium.screenshot(page, SCREENSHOTS.resolve("demo-phone.png"), 390, 1400);
        assertNotBlank(SCREENSHOTS.resolve("demo-phone.png"));
    }

    /**
     * Opens the page in Chromium: its DOM has the summary's every name and figure (when given) and nothing to
     * fetch, and its screenshot at 1280 px is not blank. Returns the DOM.
     */
    private static String checkedInBrowser(Path page, String name, JsonNode summary) throws Exception {
        return checkedInBrowser(page, name, summary, 900);
    }

    private static String checkedInBrowser(Path page, String name, JsonNode summary, int height) throws Exception {
        String html = Files.readString(page);
        assertThat(FETCHES.matcher(html).find()).as("something to fetch in the page: " + matchOf(html)).isFalse();
        String dom = chromium.dumpDom(page);
        assertThat(dom).contains("</html>");
        assertThat(FETCHES.matcher(dom).find()).as("something to fetch in the DOM: " + matchOf(dom)).isFalse();
        if (summary != null) {
            assertThat(dom).contains(">" + summary.get("outcome").asText() + "<",
                    ">" + summary.get("exitCode").asText() + "<");
            for (JsonNode service : summary.path("services")) {
                for (String field : List.of("name", "uuid", "outcome", "seconds")) {
                    assertThat(dom).contains(">" + cell(service.get(field)) + "<");
                }
            }
            assertThat(summary.path("probes")).isNotEmpty();
            for (JsonNode probe : summary.path("probes")) {
                probe.fields().forEachRemaining(field -> {
                    if (field.getValue().isValueNode()) {
                        assertThat(dom).as(field.getKey()).contains(">" + cell(field.getValue()) + "<");
                    }
                });
            }
        }
        Path png = SCREENSHOTS.resolve(name + ".png");
        chromium.screenshot(page, png, 1280, height);
        assertNotBlank(png);
        return dom;
    }

    /** A number as the page writes it: the JSON text; a decimal point only where the JSON had one. */
    private static String cell(JsonNode value) {
        return value.asText();
    }

    /** Not a blank page: many colours, and a good share of pixels that are not white. */
    private static void assertNotBlank(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        long sampled = (long) ((image.getWidth() + 1) / 2) * ((image.getHeight() + 1) / 2);
        assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(50);
        assertThat(inked * 100 / sampled).as("percent of non-white pixels in " + png).isGreaterThanOrEqualTo(5);
    }

    private static String matchOf(String html) {
        var matcher = FETCHES.matcher(html);
        return matcher.find() ? html.substring(Math.max(0, matcher.start() - 60),
                Math.min(html.length(), matcher.end() + 60)) : "";
    }

    private static Sandbox.Builder sandbox() {
        // A boot long enough for the balancer to take the container out (2 failed checks 500 ms apart) before it
        // answers 503 while it warms up, as the demo's defaults are.
        return Sandbox.builder().services(List.of("web-1", "web-2", "web-3")).bootTime(Duration.ofMillis(1500))
                .warmup(Duration.ofMillis(500));
    }

    private record Run(int exitCode, String stdout, String stderr) {

        JsonNode summary() throws IOException {
            String[] lines = stdout.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }

        @Override
        public String toString() {
            return "zdd exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** The built jar, as a user runs it, against the sandbox when one is given. */
    private Run zdd(Sandbox sandbox, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Tools.jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(folder, "zdd", ".out");
        Path err = Files.createTempFile(folder, "zdd", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("ZDD_") || name.startsWith("TUTUM_")
                                                        || name.startsWith("DOCKERCLOUD_"));
        if (sandbox != null) {
            builder.environment().putAll(Map.of("TUTUM_REST_HOST", sandbox.apiUrl().toString(),
                    "TUTUM_STREAM_HOST", sandbox.streamUrl().toString(), "TUTUM_USER", sandbox.user(),
                    "TUTUM_APIKEY", sandbox.apiKey()));
        }
        Process process = builder.start();
        if (!process.waitFor(ZDD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("zdd did not finish within " + ZDD_LIMIT + ": " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
