package dev.zdd.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of zdd as the page shows it, built from its JSON events only.
 *
 * @param title   what the run is called on the page (the demo names its two runs)
 * @param start   the first moment anything happened: the first event, or the first probe bucket
 * @param end     the last: the summary, a drain's end, or the last probe bucket
 * @param dryRun  whether the plan said it was a dry run
 * @param waves   the plan's waves (names), empty when it named none
 * @param lanes   one per service in rollout order, followed by its containers' lanes where it has any
 * @param probes  one per probe URL
 * @param summary the run's summary, or null when the stream has none (the run was killed)
 * @param notes   what went wrong, in sentences: failures, timeouts, an interruption, the error
 * @param events  every event but the probe buckets, for the table under the picture
 */
public record Timeline(String title, Instant start, Instant end, boolean dryRun, List<List<String>> waves,
                       List<Lane> lanes, List<ProbeSeries> probes, RunSummary summary, List<String> notes,
                       List<EventRow> events) {

    public Timeline {
        waves = waves.stream().map(List::copyOf).toList();
        lanes = List.copyOf(lanes);
        probes = List.copyOf(probes);
        notes = List.copyOf(notes);
        events = List.copyOf(events);
    }

    public Duration duration() {
        return Duration.between(start, end);
    }

    /** The same run under another title. */
    public Timeline titled(String newTitle) {
        return new Timeline(newTitle, start, end, dryRun, waves, lanes, probes, summary, notes, events);
    }

    /** One line of the events table. */
    public record EventRow(Instant at, String subject, String event, String detail) {
    }

    /**
     * The summary event.
     *
     * @param outcome  {@code success}, {@code failed}, ... as the JSON said
     * @param exitCode its text, or null
     * @param error    the error line, or null
     * @param platform the platform, or null when the stream does not say
     * @param version  the zdd version that wrote it, or null
     * @param services the services, every field the JSON gave
     * @param probes   the probes, likewise
     */
    public record RunSummary(String outcome, String exitCode, String error, String platform, String version,
                             Table services, Table probes) {
    }
}
