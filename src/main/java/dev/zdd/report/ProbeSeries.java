package dev.zdd.report;

import java.time.Instant;
import java.util.List;

/**
 * What one probe URL saw over the run: its time buckets (from the {@code probe} events) and its figures (from the
 * summary).
 *
 * @param url                the URL
 * @param slots              the buckets, in time order; a gap between two is a time when nothing was sent
 * @param requests           the summary's requests, or -1 when the stream has no summary for it
 * @param failures           the summary's failed requests, or -1
 * @param longestOutageMs    the summary's longest outage, or -1
 * @param longestOutageStart when it began, or null when unknown or there was none
 */
public record ProbeSeries(String url, List<Slot> slots, long requests, long failures, long longestOutageMs,
                          Instant longestOutageStart) {

    public ProbeSeries {
        slots = List.copyOf(slots);
    }

    /** One bucket: requests that started in [from, from + widthMs). */
    public record Slot(Instant from, long widthMs, int ok, int failed, long p50Ms, long p99Ms) {

        public Instant to() {
            return from.plusMillis(widthMs);
        }
    }

    /** Requests counted in the buckets: the summary's figure when the stream is complete. */
    public long bucketRequests() {
        return slots.stream().mapToLong(slot -> slot.ok() + slot.failed()).sum();
    }

    /** Failed requests counted in the buckets. */
    public long bucketFailures() {
        return slots.stream().mapToLong(Slot::failed).sum();
    }
}
