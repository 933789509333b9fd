package dev.zdd.platform;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What an events stream has announced, shared by the adapters' {@link Changes}: the keys announced since the last
 * wait returned, whether the stream is live, and the wait itself. The adapter feeds it from its stream's thread;
 * the engine waits on it. Thread-safe.
 */
public final class Announcements {

    /**
     * The most distinct keys kept between two waits. A flood of events about other objects must not grow memory
     * without end: past this many, the announcements say "anything may have changed", as after a gap.
     */
    static final int MOST_KEYS = 10_000;

    private final Set<String> touched = new HashSet<>();
    private boolean live;
    /** Announcements resumed after a gap: anything may have changed unannounced. */
    private boolean resumed;

    public synchronized boolean live() {
        return live;
    }

    /** The stream is open: changes are announced from now on, and any before it may have been missed. */
    public synchronized void opened() {
        live = true;
        resumed = true;
        notifyAll();
    }

    /** The stream dropped, failed or was closed; returns whether it had been live. */
    public synchronized boolean lost() {
        boolean wasLive = live;
        live = false;
        notifyAll();
        return wasLive;
    }

    /** The stream opened but then refused the client: it never really was live, so nothing was missed either. */
    public synchronized void refused() {
        live = false;
        resumed = false;
        notifyAll();
    }

    /**
     * Something changed that may have moved any object unannounced (Swarm: a node went down, came back or was
     * drained): the next wait returns all its ids, as after a gap.
     */
    public synchronized void everythingMayHaveChanged() {
        resumed = true;
        notifyAll();
    }

    /** Something about {@code key} changed. */
    public synchronized void announce(String key) {
        if (touched.add(key) && touched.size() > MOST_KEYS) {
            touched.clear();
            resumed = true;
        }
        notifyAll();
    }

    /**
     * {@link Changes#awaitChange}: waits until one of {@code ids} (each mapped to the key its announcements carry)
     * changed since the previous wait returned, {@code max} passes, or the stream stops being live. Returns the ids
     * that changed; all of them right after the stream (re)opened; none when nothing is known.
     */
    public synchronized Set<String> awaitChange(Set<String> ids, Duration max, UnaryOperator<String> keyOf)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        try {
            while (true) {
                if (resumed) {
                    resumed = false;
                    return ids;
                }
                Set<String> changed = new HashSet<>();
                ids.stream().filter(id -> touched.contains(keyOf.apply(id))).forEach(changed::add);
                long left = end - System.nanoTime();
                if (!changed.isEmpty() || !live || left <= 0) {
                    return changed;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } finally {
            touched.clear();
        }
    }
}
