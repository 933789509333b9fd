package dev.zdd.rollout;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stop request from outside the rollout (SIGINT, SIGTERM): once requested, no new redeploy starts, and the
 * thread that runs the rollout is interrupted so that no nap or request keeps it.
 */
public final class Cancellation {

    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicReference<Thread> worker = new AtomicReference<>();

    /** Called by the rollout on the thread it runs on. */
    public void bind(Thread thread) {
        worker.set(thread);
        if (requested.get()) {
            thread.interrupt();
        }
    }

    public void unbind() {
        worker.set(null);
    }

    public void request() {
        if (requested.compareAndSet(false, true)) {
            Thread thread = worker.get();
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    public boolean isRequested() {
        return requested.get();
    }
}
