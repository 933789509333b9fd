package dev.zdd.probe;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The bookkeeping for one URL: counts, the longest outage and a latency histogram, in bounded memory.
 *
 * <p>Answers arrive out of order (a slow request can be overtaken), but an outage is measured on request start
 * times, so results are folded in start order through a ring of the requests not yet folded. The ring holds more
 * requests than can start within one timeout; when it is full anyway, the oldest request is overdue and is given up
 * as failed, as it would have been by its own timeout.
 */
final class ProbeTally {

    private static final byte PENDING = 0;
    private static final byte SUCCEEDED = 1;
    private static final byte FAILED = 2;

    private final URI url;
    private final Instant[] starts;
    private final byte[] results;
    private final long[] latencyCounts; // index: milliseconds, the last bucket also holds anything longer
    private long started;
    private long folded;
    private long failures;
    private long answered;
    private Instant outageSince;
    private long longestOutageMs;

    ProbeTally(URI url, int window, Duration longestLatency) {
        this.url = url;
        this.starts = new Instant[window];
        this.results = new byte[window];
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
            latencyCounts[(int) Math.min(Math.max(0, latency.toMillis()), latencyCounts.length - 1)]++;
        }
        settle(request, success);
    }

    /** Gives up on the requests still unanswered, as failed, and reports; {@code end} closes an ongoing outage. */
    synchronized ProbeReport finish(Instant end) {
        while (folded < started) {
            settle(folded, false);
        }
        long longest = longestOutageMs;
        if (outageSince != null) {
            longest = Math.max(longest, millisBetween(outageSince, end));
        }
        return new ProbeReport(url, started, failures, longest, percentile(0.50), percentile(0.99));
    }

    private void settle(long request, boolean success) {
        results[slot(request)] = success ? SUCCEEDED : FAILED;
        if (!success) {
            failures++;
        }
        while (folded < started && results[slot(folded)] != PENDING) {
            fold(starts[slot(folded)], results[slot(folded)] == SUCCEEDED);
            folded++;
        }
    }

    private void fold(Instant start, boolean success) {
        if (!success && outageSince == null) {
            outageSince = start;
        } else if (success && outageSince != null) {
            longestOutageMs = Math.max(longestOutageMs, millisBetween(outageSince, start));
            outageSince = null;
        }
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
