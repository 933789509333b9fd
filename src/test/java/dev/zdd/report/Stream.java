package dev.zdd.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written {@code --output json} stream, each event stamped by a fake clock that the test moves: the shapes
 * the NDJSON contract and its additions document, including those other parts of zdd are adding (waves, images,
 * the load balancer's events).
 */
final class Stream {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeTime time = new FakeTime(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<JsonNode> events = new ArrayList<>();

    Stream after(long millis) {
        time.advance(Duration.ofMillis(millis));
        return this;
    }

    ObjectNode event(String name) {
        ObjectNode event = JSON.createObjectNode().put("event", name).put("time", time.instant().toString());
        events.add(event);
        return event;
    }

    ObjectNode plan(String... services) {
        ObjectNode plan = event("plan");
        ArrayNode list = plan.putArray("services");
        for (String service : services) {
            list.addObject().put("name", service).put("uuid", "uuid-" + service).put("state", "Running");
        }
        plan.put("dryRun", false);
        return plan;
    }

    ObjectNode service(String name, String event) {
        return event(event).put("service", name);
    }

    /** A service redeployed in the usual steps: requested, Redeploying, Running, ready, then a drain. */
    void redeploy(String service, long drainMillis) {
        service(service, "redeploy").put("uuid", "uuid-" + service);
        after(300);
        service(service, "state").put("state", "Redeploying");
        after(2000);
        service(service, "state").put("state", "Running");
        after(1500);
        service(service, "ready").put("seconds", 3.8);
        if (drainMillis > 0) {
            service(service, "drain").put("seconds", drainMillis / 1000.0);
            after(drainMillis);
        }
    }

    /**
     * One probe event: buckets of 100 ms from {@code from}, each given as ok/failed counts and one latency for
     * p50 and p99.
     */
    ObjectNode probe(String url, Instant from, int[][] okFailedLatency) {
        ObjectNode probe = event("probe").put("url", url).put("from", from.toString()).put("bucketMs", 100);
        ArrayNode ok = probe.putArray("ok");
        ArrayNode failed = probe.putArray("failed");
        ArrayNode p50 = probe.putArray("p50Ms");
        ArrayNode p99 = probe.putArray("p99Ms");
        for (int[] bucket : okFailedLatency) {
            ok.add(bucket[0]);
            failed.add(bucket[1]);
            p50.add(bucket[2]);
            p99.add(bucket[2] < 0 ? -1 : bucket[2] * 2);
        }
        return probe;
    }

    ObjectNode summary(String outcome, int exitCode) {
        return event("summary").put("outcome", outcome).put("exitCode", exitCode).put("platform", "tutum")
                .put("zdd", "9.9.9");
    }

    ObjectNode summaryService(ObjectNode summary, String name, String outcome, double seconds) {
        ArrayNode services = summary.has("services") ? (ArrayNode) summary.get("services")
                : summary.putArray("services");
        return services.addObject().put("name", name).put("uuid", "uuid-" + name).put("outcome", outcome)
                .put("seconds", seconds);
    }

    /** Puts the events in this order: for a run whose probe events must come before its summary. */
    void replace(List<JsonNode> before, List<? extends JsonNode> middle, JsonNode last) {
        events.clear();
        events.addAll(before);
        events.addAll(middle);
        events.add(last);
    }

    List<JsonNode> events() {
        return List.copyOf(events);
    }

    String ndjson() {
        StringBuilder text = new StringBuilder();
        events.forEach(event -> text.append(event).append('\n'));
        return text.toString();
    }
}
