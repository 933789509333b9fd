package dev.zdd.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole page: its header's facts and one or more runs drawn on one time scale (the demo's naive and zdd runs,
 * or the runs of a saved stream, one after another).
 *
 * @param title what the page is about, e.g. {@code zdd redeploy}
 * @param facts the header's figures
 * @param runs  the runs, in the order they happened
 */
public record Report(String title, Facts facts, List<Timeline> runs) {

    public Report {
        runs = List.copyOf(runs);
    }

    /**
     * The header's figures.
     *
     * @param outcome  the outcome, as the summary says it ({@code success}, {@code failed}, ...), or
     *                 {@code unfinished} when the stream has no summary
     * @param exitCode the exit code, or null when unknown
     * @param platform the platform, or null when unknown
     * @param version  the zdd version, or null when unknown
     * @param started  when the first run started
     * @param total    from then to the end of the last run
     */
    public record Facts(String outcome, String exitCode, String platform, String version, Instant started,
                        Duration total) {
    }

    /** One run, from its JSON events (as {@code --output json} prints them), under a title. */
    public static Timeline timeline(String title, List<? extends JsonNode> events) {
        return TimelineBuilder.build(title, List.copyOf(events));
    }

    /**
     * The page of a saved stream: a {@code summary} ends a run, so a stream that holds several runs one after
     * another shows each.
     */
    public static Report fromEvents(String title, List<? extends JsonNode> events) {
        List<List<JsonNode>> runs = new ArrayList<>();
        List<JsonNode> current = new ArrayList<>();
        for (JsonNode event : events) {
            current.add(event);
            if ("summary".equals(TimelineBuilder.text(event, "event"))) {
                runs.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty() || runs.isEmpty()) {
            runs.add(current);
        }
        List<Timeline> timelines = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            timelines.add(timeline(runs.size() == 1 ? "Timeline" : "Run " + (i + 1) + " of " + runs.size(),
                    runs.get(i)));
        }
        return of(title, timelines);
    }

    /** A page whose header is taken from its runs: the last one's outcome and exit code. */
    public static Report of(String title, List<Timeline> runs) {
        Timeline first = runs.get(0);
        Timeline last = runs.get(runs.size() - 1);
        String platform = null;
        String version = null;
        for (Timeline run : runs) {
            if (run.summary() != null) {
                platform = platform == null ? run.summary().platform() : platform;
                version = version == null ? run.summary().version() : version;
            }
        }
        Timeline.RunSummary summary = last.summary();
        Facts facts = new Facts(summary == null ? "unfinished" : or(summary.outcome(), "unknown"),
                summary == null ? null : summary.exitCode(), platform, version, first.start(),
                Duration.between(first.start(), last.end()));
        return new Report(title, facts, runs);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
