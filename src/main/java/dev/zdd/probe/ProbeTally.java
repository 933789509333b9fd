package dev.zdd.probe;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bookkeeping for one URL: counts, the longest outage and a latency histogram, in bounded memory.
 *
 * <p>Answers arrive out of order (a slow request can be overtaken), but an outage is measured on request start
 * times, so results are folded in start order through a ring of the requests not yet folded. The ring holds more
 * requests than can start within one timeout; when it is full anyway, the oldest request is overdue and is given up
 * as failed, as it would have been by its own timeout.
 *
 * <p>Folding in start order also fills the time buckets ({@link ProbeBuckets}): when the first request of a later
 * bucket is folded, every request of the earlier one has been, so that bucket is complete and can be handed out.
 */
final class ProbeTally {

    private static final byte PENDING = 0;
    private static final byte SUCCEEDED = 1;
    private static final byte FAILED = 2;

    private final URI url;
    private final Instant[] starts;
    private final byte[] results;
    private final long[] latencies; // per slot: milliseconds to the answer, or -1 when none came
    private final long[] latencyCounts; // index: milliseconds, the last bucket also holds anything longer
    private long started;
    private long folded;
    private long failures;
    private long answered;
    private Instant outageSince;
    private long longestOutageMs;
    private Instant longestOutageStart;

    private final Duration bucketWidth;
    private final List<Closed> completed = new ArrayList<>(); // complete buckets not yet handed out
    private Instant bucketStart; // the open bucket's, or null when none is open
    private int bucketOk;
    private int bucketFailed;
    private long[] bucketLatencies = new long[16];
    private int bucketAnswered;

    ProbeTally(URI url, int window, Duration longestLatency) {
        this(url, window, longestLatency, Duration.ofMillis(100));
    }

    /** {@code bucketWidth}: a whole number of milliseconds that divides a day, e.g. 100 ms. */
    ProbeTally(URI url, int window, Duration longestLatency, Duration bucketWidth) {
        this.url = url;
        this.starts = new Instant[window];
        this.results = new byte[window];
        this.latencies = new long[window];
        this.bucketWidth = bucketWidth;
        this.latencyCounts = new long[(int) Math.min(Math.max(1, longestLatency.toMillis()), 60_000) + 1];
    }

    URI url() {
        return url;
    }

    /** Records that a request starts now; the returned number identifies it in {@link #complete}. */
    synchronized long begin(Instant start) {
        if (started - folded == starts.length) {
            settle(folded, false);
        }
        long request = started++;
        starts[slot(request)] = start;
        results[slot(request)] = PENDING;
        latencies[slot(request)] = -1;
        return request;
    }

    /**
     * Records a request's outcome.
     *
     * @param latency the time to its answer, or null when it got none (connection error, timeout)
     */
    synchronized void complete(long request, boolean success, Duration latency) {
        if (request < folded || request >= started || results[slot(request)] != PENDING) {
            return; // given up on already
        }
        if (latency != null) {
            answered++;
            long millis = Math.max(0, latency.toMillis());
            latencyCounts[(int) Math.min(millis, latencyCounts.length - 1)]++;
            latencies[slot(request)] = millis;
        }
        settle(request, success);
    }

    /** Gives up on the requests still unanswered, as failed, and reports; {@code end} closes an ongoing outage. */
    synchronized ProbeReport finish(Instant end) {
        while (folded < started) {
            settle(folded, false);
        }
        long longest = longestOutageMs;
        Instant longestStart = longestOutageStart;
        if (outageSince != null && (longestStart == null || millisBetween(outageSince, end) > longest)) {
            longest = millisBetween(outageSince, end);
            longestStart = outageSince;
        }
        closeBucket();
        return new ProbeReport(url, started, failures, longest, percentile(0.50), percentile(0.99), longestStart);
    }

    /**
     * The buckets completed since the last call, as runs of consecutive buckets; after {@link #finish}, every
     * remaining one, the last partial bucket included.
     */
    synchronized List<ProbeBuckets> takeBuckets() {
        List<ProbeBuckets> runs = new ArrayList<>();
        Instant from = null;
        List<ProbeBuckets.Bucket> run = new ArrayList<>();
        for (Closed closed : completed) {
            if (from != null && !closed.start().equals(from.plus(bucketWidth.multipliedBy(run.size())))) {
                runs.add(new ProbeBuckets(url, from, bucketWidth, run));
                run = new ArrayList<>();
                from = null;
            }
            if (from == null) {
                from = closed.start();
            }
            run.add(closed.bucket());
        }
        if (from != null) {
            runs.add(new ProbeBuckets(url, from, bucketWidth, run));
        }
        completed.clear();
        return runs;
    }

    private record Closed(Instant start, ProbeBuckets.Bucket bucket) {
    }

    private void settle(long request, boolean success) {
        results[slot(request)] = success ? SUCCEEDED : FAILED;
        if (!success) {
            failures++;
        }
        while (folded < started && results[slot(folded)] != PENDING) {
            fold(starts[slot(folded)], results[slot(folded)] == SUCCEEDED, latencies[slot(folded)]);
            folded++;
        }
    }

    private void fold(Instant start, boolean success, long latencyMs) {
        if (!success && outageSince == null) {
            outageSince = start;
        } else if (success && outageSince != null) {
            long outage = millisBetween(outageSince, start);
            if (longestOutageStart == null || outage > longestOutageMs) {
                longestOutageMs = outage;
                longestOutageStart = outageSince;
            }
            outageSince = null;
        }
        count(start, success, latencyMs);
    }

    private void count(Instant start, boolean success, long latencyMs) {
        long width = bucketWidth.toMillis();
        Instant bucket = Instant.ofEpochMilli(Math.floorDiv(start.toEpochMilli(), width) * width);
        if (bucketStart == null || bucket.isAfter(bucketStart)) {
            closeBucket();
            bucketStart = bucket;
        }
        // A start a little before the open bucket's (the clock is not monotonic) counts in the open bucket.
        if (success) {
            bucketOk++;
        } else {
            bucketFailed++;
        }
        if (latencyMs >= 0) {
            if (bucketAnswered == bucketLatencies.length) {
                bucketLatencies = Arrays.copyOf(bucketLatencies, bucketAnswered * 2);
            }
            bucketLatencies[bucketAnswered++] = latencyMs;
        }
    }

    private void closeBucket() {
        if (bucketStart == null) {
            return;
        }
        Arrays.sort(bucketLatencies, 0, bucketAnswered);
        completed.add(new Closed(bucketStart, new ProbeBuckets.Bucket(bucketOk, bucketFailed, rank(0.50),
                rank(0.99))));
        bucketStart = null;
        bucketOk = 0;
        bucketFailed = 0;
        bucketAnswered = 0;
    }

    /** The nearest-rank percentile of the open bucket's sorted latencies, or -1. */
    private long rank(double fraction) {
        if (bucketAnswered == 0) {
            return -1;
        }
        int index = (int) Math.ceil(fraction * bucketAnswered) - 1;
        return bucketLatencies[Math.max(0, index)];
    }

    private long percentile(double fraction) {
        if (answered == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * answered);
        long seen = 0;
        for (int millis = 0; millis < latencyCounts.length; millis++) {
            seen += latencyCounts[millis];
            if (seen >= rank) {
                return millis;
            }
        }
        return latencyCounts.length - 1;
    }

    private int slot(long request) {
        return (int) (request % starts.length);
    }

    private static long millisBetween(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }
}
