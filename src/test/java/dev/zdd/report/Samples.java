package dev.zdd.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Whole runs written by hand on a fake clock, shaped as zdd writes them: for the page's tests and its size. */
final class Samples {

    static final String LB = "http://127.0.0.1:8000/";

    private Samples() {
    }

    /**
     * {@code services} redeployed one after another with a 2 s drain, a probe every 100 ms through the load
     * balancer, and {@code failedBuckets} failed requests in the second service's restart.
     */
    static Stream rollout(int services, int failedBuckets) {
        Stream stream = new Stream();
        Instant start = stream.time.instant();
        String[] names = new String[services];
        for (int i = 0; i < services; i++) {
            names[i] = "web-" + (i + 1);
        }
        stream.plan(names);
        stream.after(250);
        List<Instant> failures = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            if (i == 1) {
                long since = Duration.between(start, stream.time.instant()).toMillis() + 1200;
                Instant at = start.plusMillis(since / 100 * 100);
                for (int f = 0; f < failedBuckets; f++) {
                    failures.add(at.plusMillis(100L * f));
                }
            }
            stream.redeploy(names[i], i == services - 1 ? 0 : 2000);
        }
        ObjectNode summary = stream.summary(failedBuckets > 0 ? "downtime" : "success", failedBuckets > 0 ? 6 : 0);
        summary.put("started", start.toString());
        for (String name : names) {
            stream.summaryService(summary, name, "redeployed", 3.8);
        }
        probes(stream, start, failures, summary);
        return stream;
    }

    /** Three services; the second one does not come back in time, and the third is not touched. */
    static Stream timedOut() {
        Stream stream = new Stream();
        Instant start = stream.time.instant();
        stream.plan("api", "worker", "web");
        stream.after(200);
        stream.redeploy("api", 2000);
        stream.service("worker", "redeploy").put("uuid", "uuid-worker");
        stream.after(400);
        stream.service("worker", "state").put("state", "Redeploying");
        stream.after(3000);
        stream.service("worker", "state").put("state", "Starting");
        stream.after(6600);
        stream.service("worker", "failed").put("reason", "not back within 10s (last seen: Starting, action In progress)");
        ObjectNode summary = stream.summary("timed_out", 1).put("started", start.toString())
                .put("error", "worker: not back within 10s");
        stream.summaryService(summary, "api", "redeployed", 3.8);
        stream.summaryService(summary, "worker", "timed_out", 10.0).put("reason", "not back within 10s");
        stream.summaryService(summary, "web", "not_started", 0);
        probes(stream, start, List.of(), summary);
        return stream;
    }

    /** Probe buckets for the whole run so far, one request per bucket, failing where asked, and the figures. */
    private static void probes(Stream stream, Instant start, List<Instant> failures, ObjectNode summary) {
        // The summary is the last line: the probe events go before it.
        ObjectNode last = summary.deepCopy();
        List<com.fasterxml.jackson.databind.JsonNode> kept = new ArrayList<>(stream.events());
        kept.remove(kept.size() - 1);
        long buckets = Duration.between(start, stream.time.instant()).toMillis() / 100;
        int requests = 0;
        int failed = 0;
        Instant outageStart = null;
        long longest = 0;
        Instant openSince = null;
        Stream rebuilt = new Stream();
        int[][] chunk = new int[10][];
        int inChunk = 0;
        Instant chunkFrom = start;
        List<ObjectNode> probeEvents = new ArrayList<>();
        for (long b = 0; b < buckets; b++) {
            Instant at = start.plusMillis(b * 100);
            boolean bad = failures.contains(at);
            requests++;
            if (bad) {
                failed++;
                openSince = openSince == null ? at : openSince;
            } else if (openSince != null) {
                long outage = Duration.between(openSince, at).toMillis();
                if (outage > longest) {
                    longest = outage;
                    outageStart = openSince;
                }
                openSince = null;
            }
            int latency = bad ? -1 : 2 + (int) (b % 7) + (b % 53 == 0 ? 40 : 0);
            chunk[inChunk++] = new int[] {bad ? 0 : 1, bad ? 1 : 0, latency};
            if (inChunk == 10 || b == buckets - 1) {
                int[][] part = java.util.Arrays.copyOf(chunk, inChunk);
                probeEvents.add(rebuilt.probe(LB, chunkFrom, part)
                        .put("time", chunkFrom.plusMillis(100L * inChunk + 30).toString()));
                chunkFrom = chunkFrom.plusMillis(100L * inChunk);
                inChunk = 0;
            }
        }
        ArrayNode probes = last.putArray("probes");
        ObjectNode probe = probes.addObject().put("url", LB).put("requests", requests).put("failures", failed)
                .put("longestOutageMs", longest);
        if (outageStart != null) {
            probe.put("longestOutageStart", outageStart.toString());
        }
        probe.put("latencyP50Ms", 5).put("latencyP99Ms", 42);
        stream.replace(kept, probeEvents, last);
    }

    /** The demo's two runs: both services at once (an outage), then zdd (none). */
    static Report demo() {
        Stream naive = new Stream();
        Instant start = naive.time.instant();
        naive.plan("web-1", "web-2");
        naive.service("web-1", "redeploy");
        naive.service("web-2", "redeploy");
        naive.after(300);
        naive.service("web-1", "state").put("state", "Redeploying");
        naive.service("web-2", "state").put("state", "Redeploying");
        naive.after(2400);
        naive.service("web-1", "state").put("state", "Running");
        naive.after(300);
        naive.service("web-2", "state").put("state", "Running");
        naive.after(2000);
        List<Instant> failures = new ArrayList<>();
        for (int i = 5; i < 45; i++) {
            failures.add(start.plusMillis(i * 100L));
        }
        ObjectNode naiveSummary = naive.summary("downtime", 6);
        naive.summaryService(naiveSummary, "web-1", "redeployed", 2.7);
        naive.summaryService(naiveSummary, "web-2", "redeployed", 3.0);
        probes(naive, start, failures, naiveSummary);

        Stream zdd = rollout(2, 0);
        return Report.of("zdd demo", List.of(
                Report.timeline("Naive: both services redeployed at once", naive.events()),
                Report.timeline("zdd redeploy: one after another", zdd.events())));
    }
}
