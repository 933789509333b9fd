package dev.zdd.probe;

import dev.zdd.Version;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Measures availability while something changes: sends GET requests to each URL on a fixed schedule, one every
 * interval, each started without waiting for earlier answers (so a slow answer cannot hide an outage), and reports
 * per URL the requests, the failures, the longest outage and the latency.
 *
 * <pre>{@code
 * AvailabilityProber prober = new AvailabilityProber(List.of(url), ProbeSettings.defaults());
 * prober.start();
 * ... redeploy ...
 * List<ProbeReport> reports = prober.stop();
 * }</pre>
 *
 * <p>With a bucket listener, it also hands out the availability over time: about once a second, the time buckets
 * ({@link ProbeBuckets}) completed since, and on {@link #stop} the rest, before it returns.
 *
 * <p>Bounded: one scheduling thread, a small pool for the HTTP client, at most about timeout / interval requests
 * in flight per URL, and {@link #stop} ends all of it.
 */
public final class AvailabilityProber implements AutoCloseable {

    /** Sends one GET and completes with the answer's status, or exceptionally when there is none. */
    @FunctionalInterface
    interface Transport {
        CompletableFuture<Integer> get(URI url, Duration timeout);
    }

    /** How often the completed buckets are handed to the listener. */
    static final Duration BUCKETS_EVERY = Duration.ofSeconds(1);

    private static final Duration BUCKET_WIDTH = Duration.ofMillis(100);

    private final List<ProbeTally> tallies;
    private final ProbeSettings settings;
    private final Consumer<ProbeBuckets> bucketListener;
    private final Object handingOut = new Object();
    private final Clock clock;
    private final Sleeper sleeper;
    private final ThreadPoolExecutor pool;
    private final Transport transport;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private Thread scheduler;
    private volatile boolean stopping;
    private List<ProbeReport> reports;

    public AvailabilityProber(List<URI> urls, ProbeSettings settings) {
        this(urls, settings, Clock.systemUTC(), Sleeper.SYSTEM);
    }

    public AvailabilityProber(List<URI> urls, ProbeSettings settings, Clock clock, Sleeper sleeper) {
        this(urls, settings, clock, sleeper, buckets -> { }, null);
    }

    /**
     * A prober that also hands out the availability over time, to a listener that it calls from its own thread
     * (and from {@link #stop}'s); what the listener throws is ignored.
     */
    public AvailabilityProber(List<URI> urls, ProbeSettings settings, Clock clock, Sleeper sleeper,
                              Consumer<ProbeBuckets> bucketListener) {
        this(urls, settings, clock, sleeper, bucketListener, null);
    }

    AvailabilityProber(List<URI> urls, ProbeSettings settings, Clock clock, Sleeper sleeper,
                       Consumer<ProbeBuckets> bucketListener, Transport transport) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("nothing to probe");
        }
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.bucketListener = Objects.requireNonNull(bucketListener, "bucketListener");
        // Enough room for every request that can start within one timeout, and a little more.
        long perTimeout = settings.timeout().toNanos() / settings.interval().toNanos() + 2;
        int window = (int) Math.min(100_000, Math.max(4, perTimeout * 2));
        Duration bucketWidth = bucketWidth(settings.interval());
        this.tallies = urls.stream().map(url -> new ProbeTally(url, window, settings.timeout(), bucketWidth))
                .toList();
        this.pool = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                task -> {
                    Thread thread = new Thread(task, "zdd-probe-http");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        this.pool.allowCoreThreadTimeOut(true);
        this.transport = transport != null ? transport : httpTransport(settings, pool);
    }

    /** Starts probing; the first requests go out at once. */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = new Thread(this::schedule, "zdd-probe");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /**
     * Stops sending, waits for the requests in flight (each ends by its timeout), and reports, one report per URL in
     * the order given. Calling it again returns the same reports.
     */
    public synchronized List<ProbeReport> stop() {
        if (reports != null) {
            return reports;
        }
        stopping = true;
        if (scheduler != null) {
            scheduler.interrupt();
            joinQuietly(scheduler);
        }
        Instant end = clock.instant();
        awaitInFlight();
        reports = tallies.stream().map(tally -> tally.finish(end)).toList();
        pool.shutdownNow();
        handOutBuckets();
        return reports;
    }

    /**
     * 100 ms, or the interval rounded up to a whole tenth of a second when it is longer, so that every bucket can
     * hold a request.
     */
    static Duration bucketWidth(Duration interval) {
        if (interval.compareTo(BUCKET_WIDTH) <= 0) {
            return BUCKET_WIDTH;
        }
        long tenths = (interval.toNanos() + BUCKET_WIDTH.toNanos() - 1) / BUCKET_WIDTH.toNanos();
        return BUCKET_WIDTH.multipliedBy(tenths);
    }

    @Override
    public void close() {
        stop();
    }

    private void schedule() {
        Duration interval = settings.interval();
        Instant next = clock.instant();
        Instant handOutAt = next.plus(BUCKETS_EVERY);
        while (!stopping) {
            tallies.forEach(this::fire);
            if (!clock.instant().isBefore(handOutAt)) {
                handOutBuckets();
                handOutAt = clock.instant().plus(BUCKETS_EVERY);
            }
            next = next.plus(interval);
            Instant now = clock.instant();
            if (next.isBefore(now)) {
                next = now; // fell behind (a long pause): carry on from now instead of firing a burst
            }
            try {
                sleeper.sleep(Duration.between(now, next));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void handOutBuckets() {
        synchronized (handingOut) {
            for (ProbeTally tally : tallies) {
                for (ProbeBuckets buckets : tally.takeBuckets()) {
                    try {
                        bucketListener.accept(buckets);
                    } catch (RuntimeException e) {
                        // what is done with the buckets must never stop the probing
                    }
                }
            }
        }
    }

    private void fire(ProbeTally tally) {
        Instant start = clock.instant();
        long request = tally.begin(start);
        CompletableFuture<Integer> answer = send(tally.url());
        inFlight.add(answer);
        answer.whenComplete((status, error) -> {
            Duration latency = error == null ? Duration.between(start, clock.instant()) : null;
            tally.complete(request, error == null && status >= 200 && status < 300, latency);
            inFlight.remove(answer);
        });
    }

    private CompletableFuture<Integer> send(URI url) {
        try {
            return transport.get(url, settings.timeout());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void awaitInFlight() {
        CompletableFuture<?>[] pending = inFlight.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(pending).get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // failures are counted by each request; whatever is still unanswered is given up as failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Transport httpTransport(ProbeSettings settings, ThreadPoolExecutor pool) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(pool)
                .build();
        return (url, timeout) -> client.sendAsync(
                        HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", Version.userAgent()).GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode)
                // the request timeout covers the answer's head; this covers a body that never ends as well
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
