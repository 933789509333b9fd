package dev.zdd.time;

import java.time.Duration;

/** Waiting, as a dependency: production code naps through this, tests advance a fake clock instead. */
@FunctionalInterface
public interface Sleeper {

    /** Waits for the duration (nothing for zero or negative); interruptible. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real thing: the one place in zdd that sleeps on a thread. */
    Sleeper SYSTEM = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
        }
    };
}
