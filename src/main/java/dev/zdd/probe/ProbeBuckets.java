package dev.zdd.probe;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one URL's requests saw in consecutive time buckets: the availability over time, where {@link ProbeReport}
 * has only the totals. A request counts in the bucket its start falls in, buckets are aligned to the epoch (a
 * 100 ms bucket starts at a whole tenth of a second), and a bucket in which no request started is left out, so
 * a gap between two of these means that nothing was sent then.
 *
 * @param url     the URL probed
 * @param from    the start of the first bucket
 * @param width   every bucket's width: 100 ms, or the probe interval when that is longer
 * @param buckets consecutive buckets, the first starting at {@code from}
 */
public record ProbeBuckets(URI url, Instant from, Duration width, List<Bucket> buckets) {

    /**
     * One bucket.
     *
     * @param ok     requests that succeeded (2xx in time)
     * @param failed requests that failed: connection error, non-2xx answer, or no answer within the timeout
     * @param p50Ms  the median time to an answer (any status) of its requests, or -1 when none answered
     * @param p99Ms  the 99th percentile of the same, or -1
     */
    public record Bucket(int ok, int failed, long p50Ms, long p99Ms) {
    }

    public ProbeBuckets {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(width, "width");
        buckets = List.copyOf(buckets);
    }

    /** The end of the last bucket. */
    public Instant to() {
        return from.plus(width.multipliedBy(buckets.size()));
    }
}
