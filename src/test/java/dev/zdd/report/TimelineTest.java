package dev.zdd.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.report.Lane.Kind;
import dev.zdd.report.Lane.MarkKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events to lanes, phases, marks and probe buckets: the model behind the page, on a fake clock. */
class TimelineTest {

    private final Stream stream = new Stream();
    private final Instant t0 = stream.time.instant();

    @Test
    void aLanePerServiceInPlanOrderWithEachStepAsAPhase() {
        stream.plan("web-1", "web-2");
        stream.after(100);
        stream.redeploy("web-1", 10_000);
        stream.redeploy("web-2", 0);
        ObjectNode summary = stream.summary("success", 0);
        stream.summaryService(summary, "web-1", "redeployed", 3.8);
        stream.summaryService(summary, "web-2", "redeployed", 3.8);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.lanes()).extracting(Lane::label).containsExactly("web-1", "web-2");
        Lane web1 = timeline.lanes().get(0);
        assertThat(web1.phases()).extracting(Lane.Phase::kind)
                .containsExactly(Kind.REQUESTED, Kind.REDEPLOYING, Kind.RUNNING, Kind.DRAIN);
        assertThat(web1.phases()).extracting(Lane.Phase::label)
                .containsExactly("requested", "Redeploying", "Running", "drain 10s");
        assertThat(web1.phases().get(0).from()).isEqualTo(t0.plusMillis(100));
        assertThat(web1.phases().get(0).to()).isEqualTo(t0.plusMillis(400));
        assertThat(web1.phases().get(2).to()).isEqualTo(t0.plusMillis(3900));
        assertThat(web1.phases().get(3).to()).isEqualTo(t0.plusMillis(13_900));
        assertThat(web1.marks()).singleElement().satisfies(mark -> {
            assertThat(mark.kind()).isEqualTo(MarkKind.READY);
            assertThat(mark.at()).isEqualTo(t0.plusMillis(3900));
        });
        assertThat(web1.caption()).isEqualTo("redeployed in 3.8s");
        assertThat(timeline.lanes().get(1).phases().get(0).from()).isEqualTo(t0.plusMillis(13_900));
        assertThat(timeline.start()).isEqualTo(t0);
        assertThat(timeline.end()).isEqualTo(t0.plusMillis(17_700));
        assertThat(timeline.notes()).isEmpty();
    }

    @Test
    void aFailureIsMarkedWithItsReasonAndATimeoutAsATimeout() {
        stream.plan("web-1", "web-2", "web-3");
        stream.redeploy("web-1", 1000);
        stream.service("web-2", "redeploy");
        stream.after(400);
        stream.service("web-2", "state").put("state", "Redeploying");
        stream.after(10_000);
        stream.service("web-2", "failed").put("reason", "not back within 10s (last seen: Redeploying)");
        ObjectNode summary = stream.summary("timed_out", 1);
        stream.summaryService(summary, "web-1", "redeployed", 3.8);
        stream.summaryService(summary, "web-2", "timed_out", 10.4).put("reason", "not back within 10s");
        stream.summaryService(summary, "web-3", "not_started", 0);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        Lane web2 = timeline.lanes().get(1);
        assertThat(web2.marks()).singleElement().satisfies(mark -> {
            assertThat(mark.kind()).isEqualTo(MarkKind.TIMED_OUT);
            assertThat(mark.label()).isEqualTo("timed out");
            assertThat(mark.detail()).isEqualTo("not back within 10s (last seen: Redeploying)");
        });
        assertThat(web2.phases()).last().satisfies(phase -> {
            assertThat(phase.kind()).isEqualTo(Kind.REDEPLOYING);
            assertThat(phase.to()).isEqualTo(stream.time.instant());
        });
        assertThat(web2.caption()).isEqualTo("timed out after 10.4s");
        assertThat(timeline.lanes().get(2).phases()).isEmpty();
        assertThat(timeline.lanes().get(2).caption()).isEqualTo("not started");
        assertThat(timeline.notes()).containsExactly(
                "web-2 timed out at +15.2s: not back within 10s (last seen: Redeploying)", "Not started: web-3.");
    }

    @Test
    void aFailureOfAnotherKindIsAFailure() {
        stream.plan("web-1");
        stream.service("web-1", "redeploy");
        stream.after(2000);
        stream.service("web-1", "failed").put("reason", "the redeploy action ended Failed");
        ObjectNode summary = stream.summary("failed", 1);
        stream.summaryService(summary, "web-1", "failed", 2.0);

        Lane lane = Report.timeline("Timeline", stream.events()).lanes().get(0);

        assertThat(lane.marks()).extracting(Lane.Mark::kind).containsExactly(MarkKind.FAILED);
    }

    @Test
    void perContainerLanesAreKeyedByTheContainersNameThatOutlivesItsId() {
        stream.plan("api");
        stream.service("api", "redeploy").put("container", "old-1").put("containerName", "api-1");
        stream.after(500);
        stream.service("api", "state").put("container", "new-1").put("containerName", "api-1")
                .put("state", "Starting");
        stream.after(1000);
        stream.service("api", "state").put("container", "new-1").put("containerName", "api-1")
                .put("state", "Running");
        stream.after(500);
        stream.service("api", "ready").put("container", "new-1").put("containerName", "api-1").put("seconds", 2.0);
        stream.service("api", "drain").put("seconds", 5.0);
        stream.after(5000);
        stream.service("api", "redeploy").put("container", "old-2").put("containerName", "api-2");
        stream.after(2000);
        stream.service("api", "ready").put("container", "new-2").put("containerName", "api-2").put("seconds", 2.0);
        stream.summaryService(stream.summary("success", 0), "api", "redeployed", 9.0);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.lanes()).extracting(Lane::service, Lane::container)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api", null),
                        org.assertj.core.groups.Tuple.tuple("api", "api-1"),
                        org.assertj.core.groups.Tuple.tuple("api", "api-2"));
        Lane api1 = timeline.lanes().get(1);
        assertThat(api1.phases()).extracting(Lane.Phase::kind)
                .containsExactly(Kind.REQUESTED, Kind.REDEPLOYING, Kind.RUNNING, Kind.DRAIN);
        Lane service = timeline.lanes().get(0);
        assertThat(service.phases()).singleElement().satisfies(span -> {
            assertThat(span.kind()).isEqualTo(Kind.SPAN);
            assertThat(span.label()).isEqualTo("2 containers");
            assertThat(span.from()).isEqualTo(t0);
            assertThat(span.to()).isEqualTo(t0.plusMillis(9000));
        });
        assertThat(service.caption()).isEqualTo("redeployed in 9.0s");
    }

    @Test
    void lanesAreGroupedByThePlansWaves() {
        ObjectNode plan = stream.plan("web-1", "api-1", "web-2", "api-2");
        plan.putArray("waves").add(Stream.JSON.createArrayNode().add("web-1").add("api-1"))
                .add(Stream.JSON.createArrayNode().add("web-2").add("api-2"));

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.waves()).containsExactly(List.of("web-1", "api-1"), List.of("web-2", "api-2"));
        assertThat(timeline.lanes()).extracting(Lane::wave).containsExactly(1, 1, 2, 2);
    }

    @Test
    void wavesOfOneAreThePlainRolloutAndMakeNoGroups() {
        stream.plan("web-1", "web-2").putArray("waves").add(Stream.JSON.createArrayNode().add("web-1"))
                .add(Stream.JSON.createArrayNode().add("web-2"));

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.waves()).isEmpty();
        assertThat(timeline.lanes()).extracting(Lane::wave).containsExactly(0, 0);
    }

    @Test
    void theLoadBalancersDrainAndUpAreShown() {
        stream.plan("web-1");
        stream.service("web-1", "lb-drain").putArray("servers").add("web/web-1");
        stream.after(2000);
        stream.service("web-1", "lb-drained").put("seconds", 2.0).put("sessions", 0);
        stream.service("web-1", "redeploy").put("image", "registry.local/web:2");
        stream.after(3000);
        stream.service("web-1", "ready").put("seconds", 3.0);
        stream.after(400);
        stream.service("web-1", "lb-up").put("seconds", 0.4);
        stream.summary("success", 0);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        Lane lane = timeline.lanes().get(0);
        assertThat(lane.phases()).extracting(Lane.Phase::kind)
                .containsExactly(Kind.LB_DRAIN, Kind.REQUESTED, Kind.LB_UP);
        assertThat(lane.phases().get(0).to()).isEqualTo(t0.plusMillis(2000));
        assertThat(lane.phases().get(2).from()).isEqualTo(t0.plusMillis(5000));
        assertThat(lane.phases().get(2).to()).isEqualTo(t0.plusMillis(5400));
        assertThat(lane.marks()).extracting(Lane.Mark::kind)
                .containsExactly(MarkKind.LB_DRAINED, MarkKind.READY, MarkKind.LB_UP);
        assertThat(lane.marks().get(0).detail()).isEqualTo("drained in 2.0s, 0 sessions left");
        assertThat(timeline.events()).extracting(Timeline.EventRow::detail)
                .contains("servers web/web-1", "uuid ?, image registry.local/web:2");
    }

    @Test
    void probeBucketsBecomeSlotsThatAddUpToTheSummary() {
        stream.plan("web-1");
        stream.after(1000);
        stream.probe("http://lb/", t0, new int[][] {{1, 0, 3}, {1, 0, 4}, {0, 1, -1}, {0, 1, -1}, {1, 0, 5}});
        stream.after(1000);
        stream.probe("http://lb/", t0.plusMillis(500), new int[][] {{1, 0, 2}});
        ObjectNode summary = stream.summary("downtime", 6);
        summary.putArray("probes").addObject().put("url", "http://lb/").put("requests", 6).put("failures", 2)
                .put("longestOutageMs", 200).put("longestOutageStart", t0.plusMillis(200).toString())
                .put("latencyP50Ms", 3).put("latencyP99Ms", 5);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        ProbeSeries probe = timeline.probes().get(0);
        assertThat(probe.url()).isEqualTo("http://lb/");
        assertThat(probe.slots()).hasSize(6);
        assertThat(probe.slots().get(2)).isEqualTo(new ProbeSeries.Slot(t0.plusMillis(200), 100, 0, 1, -1, -1));
        assertThat(probe.bucketRequests()).isEqualTo(probe.requests()).isEqualTo(6);
        assertThat(probe.bucketFailures()).isEqualTo(probe.failures()).isEqualTo(2);
        assertThat(probe.longestOutageStart()).isEqualTo(t0.plusMillis(200));
        assertThat(probe.longestOutageMs()).isEqualTo(200);
        assertThat(timeline.events()).extracting(Timeline.EventRow::event).doesNotContain("probe");
    }

    @Test
    void theSummaryTablesCarryEveryFigureAsTheJsonWroteIt() {
        stream.plan("web-1");
        ObjectNode summary = stream.summary("success", 0);
        stream.summaryService(summary, "web-1", "redeployed", 4.213).put("imageBefore", "web:1").put("image", "web:2")
                .put("retries", 2).putArray("ignored").add(1);
        summary.putArray("probes").addObject().put("url", "http://lb/").put("requests", 1234).put("failures", 0)
                .put("longestOutageMs", 0).put("latencyP50Ms", 2).put("latencyP99Ms", 17);

        Timeline.RunSummary result = Report.timeline("Timeline", stream.events()).summary();

        assertThat(result.outcome()).isEqualTo("success");
        assertThat(result.exitCode()).isEqualTo("0");
        assertThat(result.platform()).isEqualTo("tutum");
        assertThat(result.version()).isEqualTo("9.9.9");
        assertThat(result.services().headers())
                .containsExactly("service", "uuid", "outcome", "seconds", "image before", "image", "retries");
        assertThat(result.services().rows())
                .containsExactly(List.of("web-1", "uuid-web-1", "redeployed", "4.213", "web:1", "web:2", "2"));
        assertThat(result.probes().keys())
                .containsExactly("url", "requests", "failures", "longestOutageMs", "latencyP50Ms", "latencyP99Ms");
        assertThat(result.probes().rows()).containsExactly(List.of("http://lb/", "1234", "0", "0", "2", "17"));
    }

    @Test
    void unknownEventsAndFieldsAreShownOrLeftAloneNeverAnError() {
        stream.plan("web-1").put("somethingNew", true);
        stream.event("checkpoint").put("service", "web-1").put("note", "half way").putObject("nested").put("a", 1);
        stream.service("web-1", "redeploy").put("colour", "blue");
        stream.event("state").put("service", "web-1").put("time", "not a time").put("state", "Lost");
        stream.event("state").put("service", "web-1").putArray("state");

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.events()).extracting(Timeline.EventRow::event)
                .containsExactly("plan", "checkpoint", "redeploy", "state");
        assertThat(timeline.events().get(1).detail()).isEqualTo("service web-1, note half way");
        assertThat(timeline.lanes()).extracting(Lane::label).containsExactly("web-1");
    }

    @Test
    void aStreamWithoutASummaryEndsAtItsLastEventAndSaysSo() {
        stream.plan("web-1");
        stream.service("web-1", "redeploy");
        stream.after(1500);
        stream.service("web-1", "state").put("state", "Redeploying");

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.summary()).isNull();
        assertThat(timeline.end()).isEqualTo(t0.plusMillis(1500));
        assertThat(timeline.lanes().get(0).phases()).last()
                .satisfies(phase -> assertThat(phase.to()).isEqualTo(t0.plusMillis(1500)));
        assertThat(timeline.notes()).singleElement().asString().startsWith("The stream has no summary");
        assertThat(Report.fromEvents("zdd", stream.events()).facts().outcome()).isEqualTo("unfinished");
    }

    @Test
    void anInterruptionEndsWhatWasGoingOnWithAMark() {
        stream.plan("web-1");
        stream.service("web-1", "redeploy");
        stream.after(1000);
        stream.service("web-1", "state").put("state", "Redeploying");
        stream.after(700);
        stream.summaryService(stream.summary("interrupted", 130), "web-1", "interrupted", 1.7);

        Timeline timeline = Report.timeline("Timeline", stream.events());

        Lane lane = timeline.lanes().get(0);
        assertThat(lane.phases()).last().satisfies(phase -> assertThat(phase.to()).isEqualTo(t0.plusMillis(1700)));
        assertThat(lane.marks()).extracting(Lane.Mark::kind).containsExactly(MarkKind.INTERRUPTED);
        assertThat(timeline.notes()).containsExactly("Interrupted at +1.7s.");
    }

    @Test
    void aDrainCutShortByTheEndOfTheRunEndsThere() {
        stream.plan("web-1");
        stream.service("web-1", "redeploy");
        stream.after(1000);
        stream.service("web-1", "ready").put("seconds", 1.0);
        stream.service("web-1", "drain").put("seconds", 10.0);
        stream.after(2000);
        stream.summary("interrupted", 130);

        Lane lane = Report.timeline("Timeline", stream.events()).lanes().get(0);

        assertThat(lane.phases()).last().satisfies(phase -> {
            assertThat(phase.kind()).isEqualTo(Kind.DRAIN);
            assertThat(phase.to()).isEqualTo(t0.plusMillis(3000));
        });
    }

    @Test
    void theStartIsTheCommandsStartWhenTheSummarySaysIt() {
        stream.after(800);
        stream.summary("failed", 5).put("started", t0.toString()).put("error", "unauthorized");

        Timeline timeline = Report.timeline("Timeline", stream.events());

        assertThat(timeline.start()).isEqualTo(t0);
        assertThat(timeline.duration()).isEqualTo(Duration.ofMillis(800));
        assertThat(timeline.notes()).containsExactly("Error: unauthorized");
    }

    @Test
    void aSavedStreamWithTwoRunsShowsBothAndTheLastOnesOutcome() throws IOException {
        stream.plan("web-1");
        stream.after(1000);
        stream.summary("success", 0);
        stream.after(5000);
        stream.plan("web-1");
        stream.after(1000);
        stream.summary("failed", 1);
        String text = "zdd: a stderr line mixed in\n" + stream.ndjson() + "{\"event\":\"plan\",\"ti";

        NdjsonEvents.Read read = NdjsonEvents.read(new BufferedReader(new StringReader(text)));
        Report report = Report.fromEvents("zdd", read.events());

        assertThat(read.skippedLines()).isEqualTo(2);
        assertThat(report.runs()).extracting(Timeline::title).containsExactly("Run 1 of 2", "Run 2 of 2");
        assertThat(report.facts().outcome()).isEqualTo("failed");
        assertThat(report.facts().exitCode()).isEqualTo("1");
        assertThat(report.facts().started()).isEqualTo(t0);
        assertThat(report.facts().total()).isEqualTo(Duration.ofMillis(7000));
        assertThat(report.facts().platform()).isEqualTo("tutum");
    }

    @Test
    void anEmptyStreamStillMakesAPage() {
        Report report = Report.fromEvents("zdd", List.<JsonNode>of());

        assertThat(report.runs()).hasSize(1);
        assertThat(HtmlReport.render(report)).contains("unfinished");
    }
}
