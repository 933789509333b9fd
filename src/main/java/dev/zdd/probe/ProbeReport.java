package dev.zdd.probe;

import java.net.URI;
import java.time.Instant;

/**
 * What the prober saw at one URL.
 *
 * @param url             the URL probed
 * @param requests        requests started
 * @param failures        requests that failed: connection error, non-2xx answer, or no answer within the timeout
 * @param longestOutageMs the longest stretch from a failed request to the next successful one, measured between the
 *                        two requests' start times; an outage still going on when the prober stopped lasts until then
 * @param latencyP50Ms    the median time to an answer (any status), or -1 when nothing answered
 * @param latencyP99Ms    the 99th percentile of the same, or -1
 * @param longestOutageStart when the longest outage began (its first failed request's start), or null when there
 *                        was none
 */
public record ProbeReport(URI url, long requests, long failures, long longestOutageMs, long latencyP50Ms,
                          long latencyP99Ms, Instant longestOutageStart) {

    public ProbeReport(URI url, long requests, long failures, long longestOutageMs, long latencyP50Ms,
                       long latencyP99Ms) {
        this(url, requests, failures, longestOutageMs, latencyP50Ms, latencyP99Ms, null);
    }

    public boolean hadFailures() {
        return failures > 0;
    }
}
