package dev.zdd.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProbeTallyTest {

    private static final URI URL = URI.create("http://127.0.0.1:1/");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ProbeTally tally = new ProbeTally(URL, 8, Duration.ofSeconds(5));

    @Test
    void countsRequestsFailuresAndTheLongestOutageOnStartTimes() {
        answer(0, true);
        answer(100, false);
        answer(200, false);
        answer(300, true); // outage 100 -> 300
        answer(400, false);
        answer(450, true); // outage 400 -> 450

        ProbeReport report = tally.finish(at(500));

        assertThat(report.requests()).isEqualTo(6);
        assertThat(report.failures()).isEqualTo(3);
        assertThat(report.longestOutageMs()).isEqualTo(200);
    }

    @Test
    void measuresTheOutageInStartOrderWhenAnswersArriveOutOfOrder() {
        long first = tally.begin(at(0));
        long slow = tally.begin(at(100));
        long third = tally.begin(at(200));
        tally.complete(first, true, Duration.ofMillis(5));
        tally.complete(third, true, Duration.ofMillis(5)); // overtakes the slow one
        tally.complete(slow, false, null);                 // times out later

        ProbeReport report = tally.finish(at(300));

        assertThat(report.failures()).isEqualTo(1);
        assertThat(report.longestOutageMs()).isEqualTo(100); // from the slow request's start to the third's
    }

    @Test
    void anOutageStillGoingOnLastsUntilTheEnd() {
        answer(0, true);
        answer(100, false);
        answer(200, false);

        assertThat(tally.finish(at(1000)).longestOutageMs()).isEqualTo(900);
    }

    @Test
    void givesUpOnUnansweredRequestsAsFailed() {
        answer(0, true);
        tally.begin(at(100)); // never answered

        ProbeReport report = tally.finish(at(200));

        assertThat(report.requests()).isEqualTo(2);
        assertThat(report.failures()).isEqualTo(1);
        assertThat(report.longestOutageMs()).isEqualTo(100);
    }

    @Test
    void aFullWindowGivesUpOnTheOldestRequestAndIgnoresItsLateAnswer() {
        long stuck = tally.begin(at(0));
        for (int i = 1; i <= 8; i++) {
            answer(i * 10, true); // the ninth request pushes the stuck one out of the window of eight
        }
        tally.complete(stuck, true, Duration.ofMillis(1));

        ProbeReport report = tally.finish(at(100));

        assertThat(report.requests()).isEqualTo(9);
        assertThat(report.failures()).isEqualTo(1);
        assertThat(report.longestOutageMs()).isEqualTo(10);
    }

    @Test
    void reportsLatencyPercentilesOfAnsweredRequests() {
        for (int millis = 1; millis <= 100; millis++) {
            long request = tally.begin(at(millis));
            tally.complete(request, millis % 2 == 0, Duration.ofMillis(millis)); // 503s have a latency too
        }
        tally.complete(tally.begin(at(200)), false, null); // refused: no latency

        ProbeReport report = tally.finish(at(300));

        assertThat(report.latencyP50Ms()).isEqualTo(50);
        assertThat(report.latencyP99Ms()).isEqualTo(99);
    }

    @Test
    void reportsNoLatencyWhenNothingAnswered() {
        tally.complete(tally.begin(at(0)), false, null);

        ProbeReport report = tally.finish(at(10));

        assertThat(report.latencyP50Ms()).isEqualTo(-1);
        assertThat(report.latencyP99Ms()).isEqualTo(-1);
    }

    private void answer(long startMillis, boolean success) {
        tally.complete(tally.begin(at(startMillis)), success, Duration.ofMillis(1));
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }
}
