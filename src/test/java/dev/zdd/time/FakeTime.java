package dev.zdd.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A clock that only moves when something sleeps on it (or a test advances it), and a record of every nap: a 10 s
 * drain takes microseconds, and a test can assert the exact sequence of waits.
 */
public final class FakeTime extends Clock implements Sleeper {

    private Instant now;
    private final List<Duration> naps = new ArrayList<>();
    private Consumer<Duration> onSleep = d -> { };

    public FakeTime() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public FakeTime(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized void sleep(Duration duration) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        naps.add(duration);
        if (!duration.isNegative()) {
            now = now.plus(duration);
        }
        onSleep.accept(duration);
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
    }

    /** Runs after each nap, with the clock already advanced: to change the world, or to interrupt the run. */
    public synchronized void onSleep(Consumer<Duration> hook) {
        this.onSleep = hook;
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    public synchronized List<Duration> naps() {
        return List.copyOf(naps);
    }

    public synchronized Duration totalSlept() {
        return naps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
