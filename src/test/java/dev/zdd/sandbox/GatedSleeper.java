package dev.zdd.sandbox;

import dev.zdd.time.FakeTime;
import dev.zdd.time.Sleeper;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/** Naps on a fake clock, but only when the test lets it: the test decides when a boot time is over. */
final class GatedSleeper implements Sleeper {

    private final FakeTime time;
    private final Semaphore gate = new Semaphore(0);

    GatedSleeper(FakeTime time) {
        this.time = time;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        gate.acquire();
        time.sleep(duration);
    }

    /** Lets one nap happen. */
    void release() {
        gate.release();
    }
}
