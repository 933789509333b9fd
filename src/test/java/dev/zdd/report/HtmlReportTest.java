package dev.zdd.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page: self-contained, every name and summary figure in it, escaped, and small. */
class HtmlReportTest {

    @Test
    void aRolloutsPageHasEveryServiceEveryFigureOfTheSummaryAndNoUrlToFetch() throws IOException {
        Stream stream = Samples.rollout(10, 4);
        String html = write("rollout-10.html", Report.fromEvents("zdd redeploy", stream.events()));

        assertSelfContained(html);
        for (int i = 1; i <= 10; i++) {
            assertThat(html).contains("<b>web-" + i + "</b>");
        }
        JsonNode summary = stream.events().get(stream.events().size() - 1);
        assertThat(html).contains(">downtime<", ">6<", ">tutum<", ">9.9.9<", "2026-03-01 10:00:00");
        for (JsonNode service : summary.path("services")) {
            assertThat(html).contains(">" + service.get("uuid").asText() + "<", ">" + service.get("seconds").asText()
                                                                                 + "<");
        }
        JsonNode probe = summary.path("probes").get(0);
        for (String figure : List.of("requests", "failures", "longestOutageMs", "latencyP50Ms", "latencyP99Ms")) {
            assertThat(html).contains(">" + probe.get(figure).asText() + "<");
        }
        assertThat(html).contains("longest outage 0.4s", "4 failed of " + probe.get("requests").asText());
    }

    @Test
    void aFailedRunShowsTheFailureWithItsReasonInWords() throws IOException {
        String html = write("timed-out.html", Report.fromEvents("zdd redeploy", Samples.timedOut().events()));

        assertSelfContained(html);
        assertThat(html).contains("✕ timed_out", "✕ timed out", "worker timed out at +",
                "not back within 10s (last seen: Starting, action In progress)", "Not started: web.",
                "Error: worker: not back within 10s");
    }

    @Test
    void theDemosRunsShareOneScale() throws IOException {
        String html = write("demo.html", Samples.demo());

        assertSelfContained(html);
        assertThat(html).contains("Naive: both services redeployed at once", "zdd redeploy: one after another",
                "40 failed of", "0 failed of");
        // The shorter naive run ends before the right edge: a dotted line where it stopped.
        assertThat(html).contains("class=\"stop\"");
    }

    @Test
    void whatTheEventsSayIsEscaped() {
        Stream stream = new Stream();
        stream.plan("<script>alert(1)</script>");
        stream.service("<script>alert(1)</script>", "failed").put("reason", "\"quoted\" & <b>");
        stream.summary("failed", 1);

        String html = HtmlReport.render(Report.fromEvents("zdd", stream.events()));

        assertThat(html).doesNotContain("<script", "<b>\"quoted").contains("&lt;script&gt;alert(1)&lt;/script&gt;",
                "&quot;quoted&quot; &amp; &lt;b&gt;");
    }

    @Test
    void aTenServiceRolloutWithProbesMakesASmallPage() throws IOException {
        String html = write("rollout-10.html", Report.fromEvents("zdd redeploy", Samples.rollout(10, 4).events()));
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;

        System.out.println("report of 10 services, one probe URL: " + bytes + " bytes");
        assertThat(bytes).isLessThan(100_000);
    }

    /** No script, no link, no source, no CSS url() or import: nothing a browser would fetch. */
    static void assertSelfContained(String html) {
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script", "<link", " src=", " href=", "url(",
                "@import", "<iframe", "<object", "<embed");
    }

    /** Kept under target/ so that a person can open the pages the tests made. */
    private static String write(String name, Report report) throws IOException {
        String html = HtmlReport.render(report);
        Path folder = Files.createDirectories(Path.of("target", "report-samples"));
        ReportFile.write(folder.resolve(name), html);
        return html;
    }
}
