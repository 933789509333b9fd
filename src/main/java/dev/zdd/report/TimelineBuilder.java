package dev.zdd.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.report.Lane.Kind;
import dev.zdd.report.Lane.MarkKind;
import dev.zdd.report.Timeline.EventRow;
import dev.zdd.report.Timeline.RunSummary;
import dev.zdd.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns one run's JSON events into a {@link Timeline}. Reads only what the NDJSON contract and its documented
 * additions say; an event or field it does not know is listed in the events table or left alone, never an error.
 */
final class TimelineBuilder {

    private final Map<String, Lane.Builder> services = new LinkedHashMap<>();
    private final Map<String, Map<String, Lane.Builder>> containers = new HashMap<>();
    private final Map<String, Lane.Builder> lastActive = new HashMap<>();
    private final Map<String, List<ProbeSeries.Slot>> slots = new LinkedHashMap<>();
    private final List<List<String>> waves = new ArrayList<>();
    private final List<EventRow> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, JsonNode> outcomes = new HashMap<>();
    private boolean dryRun;
    private Instant first;
    private Instant last;

    static Timeline build(String title, List<JsonNode> events) {
        return new TimelineBuilder().run(title, events);
    }

    private Timeline run(String title, List<JsonNode> events) {
        // A first look, so that offsets are counted from the true start and a failure knows its service's outcome.
        JsonNode summaryEvent = null;
        for (JsonNode event : events) {
            see(time(event.get("time")));
            see(time(event.get("from")));
            if ("summary".equals(text(event, "event"))) {
                summaryEvent = event;
            }
        }
        if (summaryEvent != null) {
            for (JsonNode service : summaryEvent.path("services")) {
                outcomes.put(text(service, "name"), service);
            }
            see(time(summaryEvent.get("started")));
        }
        for (JsonNode event : events) {
            Instant at = time(event.get("time"));
            String name = text(event, "event");
            if (at != null && name != null) {
                take(name, at, event);
            }
        }
        if (first == null) {
            first = last = Instant.EPOCH;
        }
        Instant end = summaryEvent == null ? last : time(summaryEvent.get("time"));
        for (List<ProbeSeries.Slot> series : slots.values()) {
            if (!series.isEmpty() && series.get(series.size() - 1).to().isAfter(end)) {
                end = series.get(series.size() - 1).to();
            }
        }
        boolean interrupted = summaryEvent != null && "interrupted".equals(text(summaryEvent, "outcome"));
        List<Lane> lanes = lanes(end, summaryEvent == null ? last : time(summaryEvent.get("time")), interrupted);
        RunSummary summary = summaryEvent == null ? null : summary(summaryEvent);
        notes(summaryEvent);
        return new Timeline(title, first, end.isBefore(first) ? first : end, dryRun, waves, lanes,
                probes(summaryEvent), summary, notes, rows);
    }

    private void take(String name, Instant at, JsonNode event) {
        String service = text(event, "service");
        switch (name) {
            case "plan" -> plan(at, event);
            case "redeploy" -> {
                String image = text(event, "image");
                lane(event).open(Kind.REQUESTED, "requested", at);
                row(at, event, name, join("uuid " + or(text(event, "uuid"), "?"),
                        text(event, "container") == null ? null : "container " + text(event, "container"),
                        image == null ? null : "image " + image));
            }
            case "state" -> {
                String state = or(text(event, "state"), "?");
                lane(event).open(state.equalsIgnoreCase("running") ? Kind.RUNNING : Kind.REDEPLOYING, state, at);
                row(at, event, name, state);
            }
            case "ready" -> {
                Lane.Builder lane = lane(event);
                lane.close(at);
                String seconds = seconds(event.get("seconds"));
                lane.mark(MarkKind.READY, at, "ready", "back and ready " + seconds + " after its redeploy");
                row(at, event, name, "back and ready after " + seconds);
            }
            case "drain" -> {
                // With --per-container, the drain after a container is that container's.
                Lane.Builder lane = service == null ? null
                        : lastActive.containsKey(service) ? lastActive.get(service) : lane(event);
                Duration delay = duration(event.get("seconds"));
                if (lane != null) {
                    lane.close(at);
                    lane.add(new Lane.Phase(Kind.DRAIN, "drain " + Durations.setting(delay), at, at.plus(delay)));
                }
                row(at, event, name, "waits " + Durations.setting(delay) + " before the next");
            }
            case "failed" -> {
                Lane.Builder lane = lane(event);
                lane.close(at);
                boolean timedOut = "timed_out".equals(text(outcomes.get(service), "outcome"));
                String reason = or(text(event, "reason"), "no reason given");
                lane.mark(timedOut ? MarkKind.TIMED_OUT : MarkKind.FAILED, at, timedOut ? "timed out" : "failed",
                        reason);
                notes.add(lane.label() + (timedOut ? " timed out" : " failed") + " at " + offset(at) + ": " + reason);
                row(at, event, timedOut ? "failed (timed out)" : name, reason);
            }
            case "lb-drain" -> {
                lane(event).open(Kind.LB_DRAIN, "LB drain", at);
                row(at, event, name, "servers " + list(event.get("servers")));
            }
            case "lb-drained" -> {
                Lane.Builder lane = lane(event);
                lane.close(at);
                String detail = "drained in " + seconds(event.get("seconds"))
                                + (event.has("sessions") ? ", " + event.get("sessions").asText() + " sessions left" : "");
                lane.mark(MarkKind.LB_DRAINED, at, "drained", detail);
                row(at, event, name, detail);
            }
            case "lb-up" -> {
                Lane.Builder lane = lane(event);
                Duration waited = duration(event.get("seconds"));
                lane.close(at);
                lane.add(new Lane.Phase(Kind.LB_UP, "LB → UP", at.minus(waited), at));
                lane.mark(MarkKind.LB_UP, at, "UP", "the load balancer reports it UP after " + seconds(event.get("seconds")));
                row(at, event, name, "UP after " + seconds(event.get("seconds")));
            }
            case "probe" -> probe(event);
            case "summary" -> row(at, event, name, join(text(event, "outcome"),
                    event.has("exitCode") ? "exit code " + event.get("exitCode").asText() : null,
                    text(event, "error")));
            default -> row(at, event, name, scalars(event));
        }
    }

    private void plan(Instant at, JsonNode event) {
        dryRun = event.path("dryRun").asBoolean(false);
        List<String> names = new ArrayList<>();
        for (JsonNode service : event.path("services")) {
            String name = text(service, "name");
            if (name != null) {
                names.add(name);
                service(name);
            }
        }
        // Waves of one are the plain sequential rollout that every plan now spells out as waves: no wave headers.
        boolean together = false;
        for (JsonNode wave : event.path("waves")) {
            together |= wave.size() > 1;
        }
        int wave = 0;
        for (JsonNode members : together ? event.path("waves") : Stream.<JsonNode>empty().toList()) {
            wave++;
            List<String> inWave = new ArrayList<>();
            for (JsonNode member : members) {
                inWave.add(member.asText());
                service(member.asText()).wave = wave;
            }
            waves.add(inWave);
        }
        rows.add(new EventRow(at, "", "plan", (dryRun ? "dry run: " : "") + names.size() + " services: "
                                               + String.join(", ", names)
                                               + (waves.isEmpty() ? "" : "; " + waves.size() + " waves")));
    }

    private void probe(JsonNode event) {
        String url = text(event, "url");
        Instant from = time(event.get("from"));
        long width = event.path("bucketMs").asLong(100);
        if (url == null || from == null || width <= 0) {
            return;
        }
        JsonNode ok = event.path("ok");
        JsonNode failed = event.path("failed");
        JsonNode p50 = event.path("p50Ms");
        JsonNode p99 = event.path("p99Ms");
        List<ProbeSeries.Slot> series = slots.computeIfAbsent(url, u -> new ArrayList<>());
        for (int i = 0; i < ok.size(); i++) {
            Instant start = from.plusMillis(width * i);
            series.add(new ProbeSeries.Slot(start, width, ok.path(i).asInt(), failed.path(i).asInt(),
                    p50.path(i).asLong(-1), p99.path(i).asLong(-1)));
            see(start);
            see(start.plusMillis(width));
        }
    }

    private List<Lane> lanes(Instant end, Instant stop, boolean interrupted) {
        List<Lane> lanes = new ArrayList<>();
        for (Lane.Builder service : services.values()) {
            Map<String, Lane.Builder> own = containers.getOrDefault(service.service, Map.of());
            close(service, stop, interrupted);
            own.values().forEach(container -> close(container, stop, interrupted));
            if (!own.isEmpty() && service.phases.isEmpty()) {
                Instant from = null;
                Instant to = null;
                for (Lane.Builder container : own.values()) {
                    for (Lane.Phase phase : container.phases) {
                        from = from == null || phase.from().isBefore(from) ? phase.from() : from;
                        to = to == null || phase.to().isAfter(to) ? phase.to() : to;
                    }
                }
                if (from != null) {
                    service.add(new Lane.Phase(Kind.SPAN, own.size() + (own.size() == 1 ? " container" : " containers"),
                            from, to));
                }
            }
            service.caption = caption(outcomes.get(service.service));
            lanes.add(clip(service.build(), end));
            for (Lane.Builder container : own.values()) {
                container.wave = service.wave;
                container.caption = "container of " + service.service;
                lanes.add(clip(container.build(), end));
            }
        }
        return lanes;
    }

    private void close(Lane.Builder lane, Instant stop, boolean interrupted) {
        if (lane.isOpen()) {
            lane.close(stop);
            if (interrupted) {
                lane.mark(MarkKind.INTERRUPTED, stop, "interrupted", "the run was interrupted here");
            }
        }
    }

    /** A drain cut short by the end of the run ends there. */
    private static Lane clip(Lane lane, Instant end) {
        List<Lane.Phase> phases = lane.phases().stream()
                .map(p -> p.to().isAfter(end) ? new Lane.Phase(p.kind(), p.label(), p.from(), end) : p).toList();
        return new Lane(lane.service(), lane.container(), lane.wave(), lane.caption(), phases, lane.marks());
    }

    /** {@code redeployed in 4.2s}, {@code timed out after 10m}, {@code not started}: the summary's verdict. */
    private String caption(JsonNode line) {
        String outcome = text(line, "outcome");
        if (outcome == null) {
            return dryRun ? "planned" : "";
        }
        JsonNode seconds = line.get("seconds");
        boolean took = seconds != null && seconds.isNumber() && seconds.asDouble() > 0;
        return switch (outcome) {
            case "redeployed" -> took ? "redeployed in " + seconds(seconds) : "redeployed";
            case "not_started" -> "not started";
            default -> outcome.replace('_', ' ') + (took ? " after " + seconds(seconds) : "");
        };
    }

    private void notes(JsonNode summary) {
        if (summary == null) {
            notes.add("The stream has no summary: the run did not finish (it was killed, or the stream was cut).");
            return;
        }
        List<String> notStarted = new ArrayList<>();
        for (JsonNode service : summary.path("services")) {
            if ("not_started".equals(text(service, "outcome"))) {
                notStarted.add(text(service, "name"));
            }
        }
        if ("interrupted".equals(text(summary, "outcome"))) {
            notes.add("Interrupted at " + offset(time(summary.get("time"))) + ".");
        }
        if (!notStarted.isEmpty() && !dryRun) {
            notes.add("Not started: " + String.join(", ", notStarted) + ".");
        }
        if (text(summary, "error") != null) {
            notes.add("Error: " + text(summary, "error"));
        }
    }

    private List<ProbeSeries> probes(JsonNode summary) {
        Map<String, JsonNode> figures = new LinkedHashMap<>();
        if (summary != null) {
            for (JsonNode probe : summary.path("probes")) {
                if (text(probe, "url") != null) {
                    figures.put(text(probe, "url"), probe);
                }
            }
        }
        Map<String, List<ProbeSeries.Slot>> all = new LinkedHashMap<>();
        figures.keySet().forEach(url -> all.put(url, slots.getOrDefault(url, List.of())));
        slots.forEach(all::putIfAbsent);
        List<ProbeSeries> series = new ArrayList<>();
        all.forEach((url, list) -> {
            // Events may repeat or overlap a bucket only if the stream was pasted together; the first one counts.
            TreeMap<Instant, ProbeSeries.Slot> byStart = new TreeMap<>();
            list.forEach(slot -> byStart.putIfAbsent(slot.from(), slot));
            JsonNode probe = figures.get(url);
            series.add(new ProbeSeries(url, new ArrayList<>(byStart.values()),
                    probe == null ? -1 : probe.path("requests").asLong(-1),
                    probe == null ? -1 : probe.path("failures").asLong(-1),
                    probe == null ? -1 : probe.path("longestOutageMs").asLong(-1),
                    probe == null ? null : time(probe.get("longestOutageStart"))));
        });
        return series;
    }

    private static RunSummary summary(JsonNode summary) {
        return new RunSummary(text(summary, "outcome"),
                summary.has("exitCode") ? summary.get("exitCode").asText() : null, text(summary, "error"),
                text(summary, "platform"), text(summary, "zdd"),
                table(summary.path("services"), SERVICE_HEADERS), table(summary.path("probes"), PROBE_HEADERS));
    }

    private static final Map<String, String> SERVICE_HEADERS = ordered(
            "name", "service", "uuid", "uuid", "outcome", "outcome", "seconds", "seconds", "reason", "reason",
            "imageBefore", "image before", "image", "image");
    private static final Map<String, String> PROBE_HEADERS = ordered(
            "url", "URL", "requests", "requests", "failures", "failed", "longestOutageMs", "longest outage (ms)",
            "longestOutageStart", "longest outage from",
            "latencyP50Ms", "latency p50 (ms)", "latencyP99Ms", "latency p99 (ms)", "p50", "p50 (ms)",
            "p99", "p99 (ms)");

    /**
     * Every scalar field of every row, as the JSON wrote it: known fields first under their names, then any other
     * in the order first seen, so that the table carries each of the summary's figures.
     */
    private static Table table(JsonNode array, Map<String, String> known) {
        List<String> keys = new ArrayList<>();
        for (String key : known.keySet()) {
            for (JsonNode row : array) {
                if (row.has(key) && !row.get(key).isContainerNode()) {
                    keys.add(key);
                    break;
                }
            }
        }
        for (JsonNode row : array) {
            for (Iterator<String> names = row.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!keys.contains(key) && !row.get(key).isContainerNode()) {
                    keys.add(key);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : array) {
            List<String> cells = new ArrayList<>();
            for (String key : keys) {
                JsonNode value = row.get(key);
                cells.add(value == null || value.isNull() ? "" : value.asText());
            }
            rows.add(cells);
        }
        List<String> headers = keys.stream().map(key -> known.getOrDefault(key, key)).toList();
        return new Table(keys, headers, rows);
    }

    private Lane.Builder service(String name) {
        return services.computeIfAbsent(name, n -> new Lane.Builder(n, null));
    }

    /** The lane an event belongs to: its container's, when it names one, else its service's. */
    private Lane.Builder lane(JsonNode event) {
        String service = or(text(event, "service"), "(no service)");
        Lane.Builder lane = service(service);
        String container = text(event, "containerName") != null ? text(event, "containerName")
                : text(event, "container");
        if (container != null) {
            lane = containers.computeIfAbsent(service, s -> new LinkedHashMap<>())
                    .computeIfAbsent(container, c -> new Lane.Builder(service, c));
        }
        lastActive.put(service, lane);
        return lane;
    }

    private void row(Instant at, JsonNode event, String name, String detail) {
        String service = text(event, "service");
        String container = text(event, "containerName") != null ? text(event, "containerName")
                : text(event, "container");
        String subject = service == null ? "" : container == null ? service : service + " / " + container;
        rows.add(new EventRow(at, subject, name, detail == null ? "" : detail));
    }

    private void see(Instant at) {
        if (at == null) {
            return;
        }
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
    }

    private String offset(Instant at) {
        return "+" + Durations.measured(Duration.between(first == null ? at : first, at));
    }

    private static String scalars(JsonNode event) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = event.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("event") && !field.getKey().equals("time")
                && !field.getValue().isContainerNode()) {
                parts.add(field.getKey() + " " + field.getValue().asText());
            }
        }
        return String.join(", ", parts);
    }

    private static String list(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
        return items.isEmpty() ? "(none named)" : String.join(", ", items);
    }

    private static String join(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                present.add(part);
            }
        }
        return String.join(", ", present);
    }

    private static String seconds(JsonNode seconds) {
        return seconds == null || !seconds.isNumber() ? "?" : Durations.measured(duration(seconds));
    }

    private static Duration duration(JsonNode seconds) {
        if (seconds == null || !seconds.isNumber() || seconds.asDouble() < 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.round(seconds.asDouble() * 1000));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    static Instant time(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
