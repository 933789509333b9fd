package dev.zdd.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The prober against a tiny local server that the test makes fail, or slow, for a known window. */
@Timeout(15)
class AvailabilityProberTest {

    private static final int OK = 200;
    private static final int SLOW = -1;

    private final AtomicInteger mode = new AtomicInteger(OK);
    private final AtomicInteger hits = new AtomicInteger();
    private HttpServer server;
    private ExecutorService handlers;
    private URI url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        handlers = Executors.newFixedThreadPool(32);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            int status = mode.get();
            if (status == SLOW) {
                if (!answerSlowly()) {
                    exchange.close();
                    return;
                }
                status = OK;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void countsTheFailuresAndTheOutageOfAKnownWindow() {
        AvailabilityProber prober = new AvailabilityProber(List.of(url),
                new ProbeSettings(Duration.ofMillis(20), Duration.ofSeconds(1)));
        prober.start();
        sleep(300);
        mode.set(503);
        sleep(400);
        mode.set(OK);
        sleep(300);

        ProbeReport report = prober.stop().get(0);

        assertThat(report.url()).isEqualTo(url);
        // Bounds wide enough for a busy machine: the point is the order of magnitude, not the tick.
        assertThat(report.requests()).isBetween(25L, 55L);           // 1 s at one per 20 ms
        assertThat(report.failures()).isBetween(10L, 35L);           // 400 ms at one per 20 ms
        assertThat(report.longestOutageMs()).isBetween(250L, 900L);  // the 400 ms window
        assertThat(report.latencyP50Ms()).isBetween(0L, 200L);
        assertThat(report.latencyP99Ms()).isGreaterThanOrEqualTo(report.latencyP50Ms());
    }

    @Test
    void keepsToItsScheduleWhileAnswersAreSlowAndCountsLateOnesAsFailed() {
        AvailabilityProber prober = new AvailabilityProber(List.of(url),
                new ProbeSettings(Duration.ofMillis(20), Duration.ofMillis(150)));
        prober.start();
        mode.set(SLOW); // 400 ms per answer: every request times out
        sleep(500);
        mode.set(OK);
        sleep(300);

        ProbeReport report = prober.stop().get(0);

        assertThat(report.requests()).isBetween(20L, 48L);  // the schedule did not wait for the slow answers
        assertThat(report.failures()).isBetween(18L, 30L);
        assertThat(report.longestOutageMs()).isBetween(250L, 900L);
    }

    @Test
    void countsRefusedConnectionsAsAnOutageUntilTheEnd() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }
        AvailabilityProber prober = new AvailabilityProber(List.of(closed, url),
                new ProbeSettings(Duration.ofMillis(50), Duration.ofSeconds(3)));
        prober.start();
        sleep(300);

        List<ProbeReport> reports = prober.stop();

        assertThat(reports.get(0).failures()).isEqualTo(reports.get(0).requests()).isPositive();
        assertThat(reports.get(0).longestOutageMs()).isBetween(200L, 1000L);
        assertThat(reports.get(0).latencyP50Ms()).isEqualTo(-1);
        assertThat(reports.get(1).failures()).isZero();
        assertThat(reports.get(1).longestOutageMs()).isZero();
    }

    @Test
    void stopEndsEveryRequest() {
        AvailabilityProber prober = new AvailabilityProber(List.of(url),
                new ProbeSettings(Duration.ofMillis(10), Duration.ofSeconds(1)));
        prober.start();
        sleep(100);
        List<ProbeReport> reports = prober.stop();
        int hitsAtStop = hits.get();
        sleep(100);

        assertThat(hits.get()).isEqualTo(hitsAtStop);
        assertThat(prober.stop()).isSameAs(reports);
        assertThat(reports.get(0).requests()).isEqualTo(hitsAtStop);
    }

    @Test
    void handsOutTheBucketsAboutEverySecondAndTheRestOnStopAddingUpToTheTotals() {
        List<ProbeBuckets> handedOut = new CopyOnWriteArrayList<>();
        AvailabilityProber prober = new AvailabilityProber(List.of(url),
                new ProbeSettings(Duration.ofMillis(20), Duration.ofSeconds(1)), Clock.systemUTC(), Sleeper.SYSTEM,
                handedOut::add);
        prober.start();
        sleep(600);
        mode.set(503);
        sleep(300);
        mode.set(OK);
        sleep(700);
        int beforeStop = handedOut.size();

        ProbeReport report = prober.stop().get(0);

        assertThat(beforeStop).as("buckets handed out while probing").isPositive();
        List<ProbeBuckets.Bucket> buckets = handedOut.stream().flatMap(b -> b.buckets().stream()).toList();
        assertThat(buckets.stream().mapToLong(b -> b.ok() + b.failed()).sum()).isEqualTo(report.requests());
        assertThat(buckets.stream().mapToLong(ProbeBuckets.Bucket::failed).sum()).isEqualTo(report.failures())
                .isPositive();
        assertThat(handedOut).allSatisfy(b -> {
            assertThat(b.url()).isEqualTo(url);
            assertThat(b.width()).isEqualTo(Duration.ofMillis(100));
            assertThat(b.from().toEpochMilli() % 100).isZero();
        });
        for (int i = 1; i < handedOut.size(); i++) {
            assertThat(handedOut.get(i).from()).isAfterOrEqualTo(handedOut.get(i - 1).to());
        }
        assertThat(report.longestOutageStart()).isBetween(handedOut.get(0).from(),
                handedOut.get(handedOut.size() - 1).to());
    }

    @Test
    void aBucketIsATenthOfASecondOrTheIntervalWhenThatIsLonger() {
        assertThat(AvailabilityProber.bucketWidth(Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(100));
        assertThat(AvailabilityProber.bucketWidth(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
        assertThat(AvailabilityProber.bucketWidth(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(300));
        assertThat(AvailabilityProber.bucketWidth(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }

    /**
     * A slow answer's 400 ms, on a handler thread. The teardown interrupts the handlers that are still waiting: that
     * ends the answer quietly (false), where the test thread's {@link #sleep} would throw and the handler thread
     * would print the uncaught error's stack trace while the test passes.
     */
    private static boolean answerSlowly() {
        try {
            Thread.sleep(400);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
