package dev.zdd.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The availability over time: requests counted in the tenth of a second they started in. */
class ProbeBucketsTest {

    private static final URI URL = URI.create("http://127.0.0.1:1/");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ProbeTally tally = new ProbeTally(URL, 16, Duration.ofSeconds(5));

    @Test
    void countsEachRequestInTheBucketItsStartFallsIn() {
        answer(0, true, 3);
        answer(50, true, 5);
        answer(100, true, 4);
        answer(150, false, 7);   // a 503: answered, so it has a latency
        answer(250, true, 2);

        ProbeReport report = tally.finish(at(300));
        List<ProbeBuckets> runs = tally.takeBuckets();

        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).from()).isEqualTo(T0);
        assertThat(runs.get(0).width()).isEqualTo(Duration.ofMillis(100));
        assertThat(runs.get(0).to()).isEqualTo(at(300));
        assertThat(runs.get(0).buckets()).containsExactly(
                new ProbeBuckets.Bucket(2, 0, 3, 5),
                new ProbeBuckets.Bucket(1, 1, 4, 7),
                new ProbeBuckets.Bucket(1, 0, 2, 2));
        assertThat(report.requests()).isEqualTo(5);
        assertThat(report.failures()).isEqualTo(1);
    }

    @Test
    void handsOutABucketOnlyOnceEveryRequestThatStartedInItIsSettled() {
        answer(0, true, 1);
        long slow = tally.begin(at(20));
        answer(120, true, 1);    // answered, but the slow one of the first bucket is not: nothing is complete

        assertThat(tally.takeBuckets()).isEmpty();

        tally.complete(slow, true, Duration.ofMillis(900));
        List<ProbeBuckets> runs = tally.takeBuckets();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).buckets()).containsExactly(new ProbeBuckets.Bucket(2, 0, 1, 900));
        assertThat(tally.takeBuckets()).as("handed out once").isEmpty();

        tally.finish(at(200));
        assertThat(tally.takeBuckets()).singleElement()
                .satisfies(run -> assertThat(run.from()).isEqualTo(at(100)))
                .satisfies(run -> assertThat(run.buckets()).containsExactly(new ProbeBuckets.Bucket(1, 0, 1, 1)));
    }

    @Test
    void aRequestThatNeverAnsweredCountsAsFailedWithoutALatency() {
        answer(0, true, 10);
        tally.begin(at(30));

        tally.finish(at(100));

        assertThat(tally.takeBuckets().get(0).buckets()).containsExactly(new ProbeBuckets.Bucket(1, 1, 10, 10));
    }

    @Test
    void aBucketWithNoAnswerAtAllHasNoLatency() {
        answer(0, false, -1);

        tally.finish(at(100));

        assertThat(tally.takeBuckets().get(0).buckets()).containsExactly(new ProbeBuckets.Bucket(0, 1, -1, -1));
    }

    @Test
    void takesTheNearestRankPercentilesOfEachBucket() {
        for (int i = 0; i < 10; i++) {
            answer(i * 10, true, 10 - i); // latencies 10, 9, ..., 1
        }

        tally.finish(at(100));

        assertThat(tally.takeBuckets().get(0).buckets()).containsExactly(new ProbeBuckets.Bucket(10, 0, 5, 10));
    }

    @Test
    void startsANewRunAfterATimeWhenNothingStarted() {
        answer(0, true, 1);
        answer(500, true, 1);

        tally.finish(at(600));
        List<ProbeBuckets> runs = tally.takeBuckets();

        assertThat(runs).extracting(ProbeBuckets::from).containsExactly(T0, at(500));
        assertThat(runs).allSatisfy(run -> assertThat(run.buckets()).hasSize(1));
    }

    @Test
    void bucketsAreAlignedToTheEpochNotToTheFirstRequest() {
        answer(1234, true, 1);

        tally.finish(at(1300));

        assertThat(tally.takeBuckets().get(0).from()).isEqualTo(at(1200));
    }

    @Test
    void aLongerBucketHoldsEveryRequestOfItsInterval() {
        ProbeTally slow = new ProbeTally(URL, 16, Duration.ofSeconds(5), Duration.ofSeconds(1));
        slow.complete(slow.begin(at(0)), true, Duration.ofMillis(2));
        slow.complete(slow.begin(at(1000)), false, Duration.ofMillis(2));

        slow.finish(at(2000));

        assertThat(slow.takeBuckets()).singleElement().satisfies(run -> {
            assertThat(run.width()).isEqualTo(Duration.ofSeconds(1));
            assertThat(run.buckets()).containsExactly(new ProbeBuckets.Bucket(1, 0, 2, 2),
                    new ProbeBuckets.Bucket(0, 1, 2, 2));
        });
    }

    @Test
    void remembersWhenTheLongestOutageBegan() {
        answer(0, true, 1);
        answer(100, false, -1);
        answer(200, true, 1);    // 100 ms outage from 100
        answer(300, false, -1);
        answer(400, false, -1);
        answer(600, true, 1);    // 300 ms outage from 300
        answer(700, false, -1);
        answer(800, true, 1);    // 100 ms again: not longer

        ProbeReport report = tally.finish(at(900));

        assertThat(report.longestOutageMs()).isEqualTo(300);
        assertThat(report.longestOutageStart()).isEqualTo(at(300));
    }

    @Test
    void anOutageStillGoingOnAtTheEndIsTheLongestWhenItIsLonger() {
        answer(0, false, -1);
        answer(100, true, 1);    // 100 ms from 0
        answer(200, false, -1);  // until the end, 800 ms

        ProbeReport report = tally.finish(at(1000));

        assertThat(report.longestOutageMs()).isEqualTo(800);
        assertThat(report.longestOutageStart()).isEqualTo(at(200));
    }

    @Test
    void noOutageHasNoStart() {
        answer(0, true, 1);

        assertThat(tally.finish(at(100)).longestOutageStart()).isNull();
    }

    private void answer(long atMillis, boolean success, long latencyMs) {
        long request = tally.begin(at(atMillis));
        tally.complete(request, success, latencyMs < 0 ? null : Duration.ofMillis(latencyMs));
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }
}
