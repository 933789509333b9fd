package dev.zdd.e2e;

import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Load through the load balancer while a scenario runs: one GET every 5 ms (200 per second) on a fixed schedule,
 * each started without waiting for earlier answers, so that an outage shows as failed requests rather than as a
 * generator that politely waits. Bounded by the scenario: start it just before, stop it just after.
 */
public final class Load implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(5);
    /** Longer than HAProxy's retries of a refused connection take (a few turn-arounds of up to 1 s each). */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AvailabilityProber prober;
    private final long started = System.nanoTime();
    private long scenarioStarted;
    private long scenarioEnded;

    private Load(URI url, Duration interval) {
        prober = new AvailabilityProber(List.of(url), new ProbeSettings(interval, TIMEOUT));
    }

    /** Starts 200 requests per second, lets them run a moment so the connections exist before anything changes. */
    public static Load start(URI url) throws InterruptedException {
        return start(url, INTERVAL);
    }

    /** The same at another rate, one request every interval. */
    public static Load start(URI url, Duration interval) throws InterruptedException {
        Load load = new Load(url, interval);
        load.prober.start();
        Thread.sleep(500);
        load.scenarioStarted = System.nanoTime();
        return load;
    }

    /** Marks the end of the scenario (everything back in rotation) for the total time. */
    public void scenarioEnded() {
        scenarioEnded = System.nanoTime();
    }

    /** Stops the load and reports; the scenario's figures are those of the whole load window. */
    public Figures stop() {
        if (scenarioEnded == 0) {
            scenarioEnded = System.nanoTime();
        }
        ProbeReport report = prober.stop().get(0);
        return new Figures(report.requests(), report.failures(), report.longestOutageMs(),
                Duration.ofNanos(scenarioEnded - scenarioStarted));
    }

    @Override
    public void close() {
        prober.stop();
    }

    /** What one scenario measured, printed in a fixed format so the numbers can be quoted. */
    public record Figures(long requests, long failed, long longestOutageMs, Duration total) {

        public Figures print(String issue, String scenario) {
            System.out.printf("E2E %s %s: requests=%d failed=%d longest_outage_ms=%d total_s=%.1f%n", issue,
                    scenario, requests, failed, longestOutageMs, total.toMillis() / 1000.0);
            return this;
        }
    }
}
