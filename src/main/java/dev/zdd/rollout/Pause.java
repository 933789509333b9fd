package dev.zdd.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The wait between two rounds of looks, and what each look is for. While nothing is announced, a watch is looked at
 * every {@code --poll-interval}. While the platform announces changes, a watch is looked at as soon as something it
 * watches is announced, and on its own at the safety interval after its last full look, whatever the stream says
 * meanwhile; announced looks are coalesced so that a flood of announcements costs a few looks a second at most. A
 * safety look that finds a change the stream never announced shows that the stream can't be relied on: from then
 * on the run polls as if there were none.
 */
final class Pause {

    /**
     * While the platform announces changes, each one triggers a look at once, so looks on a timer only guard
     * against a lost announcement. Two looks a minute (two GETs each) keep a wait within 10 requests a minute with
     * room for the looks that announcements trigger.
     */
    static final Duration SAFETY_INTERVAL = Duration.ofSeconds(30);
    /** The shortest gap between two rounds of looks that announcements trigger: at most four a second. */
    static final Duration MIN_GAP = Duration.ofMillis(250);

    private final RunContext context;
    private final Map<Roll, Progress> waits = new HashMap<>();
    private final Map<Roll, Instant> wakes = new HashMap<>();
    private final Map<Roll, Instant> lastFull = new HashMap<>();
    /** Rolls whose latest look was a safety look while the stream was live. */
    private final Set<Roll> safetyLooks = new HashSet<>();
    private Instant lastLook;
    private boolean trusted = true;

    Pause(RunContext context) {
        this.context = context;
    }

    /** What a roll that did not look in the latest round still waits for. */
    Progress waitOf(Roll roll) {
        return waits.get(roll);
    }

    /**
     * After a round of looks: {@code seenBefore} holds each roll that looked, with its count of changes seen before
     * the look. A safety look that found something new demotes the stream.
     */
    void looked(Map<Roll, Integer> seenBefore) {
        if (seenBefore.isEmpty()) {
            return;
        }
        Instant now = context.now();
        lastLook = now;
        for (Map.Entry<Roll, Integer> looked : seenBefore.entrySet()) {
            Roll roll = looked.getKey();
            lastFull.putIfAbsent(roll, now);
            if (trusted && safetyLooks.contains(roll) && roll.changesSeen() > looked.getValue()) {
                trusted = false;
                context.listener.detail(roll.target(), "a look on the safety timer found a change that the"
                                                       + " platform never announced: polling every --poll-interval"
                                                       + " from now on");
            }
        }
        safetyLooks.clear();
    }

    /** Waits until a roll needs a look; returns the cue of each roll that looks now (absent: no look). */
    Map<Roll, Cue> await(Map<Roll, Progress> waiting) throws InterruptedException {
        Instant now = context.now();
        boolean live = trusted && context.changes.live();
        Duration poll = context.settings.pollInterval();
        Duration safety = poll.compareTo(SAFETY_INTERVAL) > 0 ? poll : SAFETY_INTERVAL;
        Instant earliest = null;
        Set<String> ids = new HashSet<>();
        for (Map.Entry<Roll, Progress> entry : waiting.entrySet()) {
            Roll roll = entry.getKey();
            Progress progress = entry.getValue();
            if (waits.get(roll) != progress || !wakes.containsKey(roll)) {
                Instant wake = progress.kind == Progress.Kind.UNTIL ? progress.until
                        : live ? lastFull.getOrDefault(roll, now).plus(safety) : now.plus(poll);
                Instant deadline = roll.deadline();
                wakes.put(roll, wake.isAfter(deadline) ? deadline : wake);
                waits.put(roll, progress);
            }
            earliest = Wave.earliest(earliest, wakes.get(roll));
            ids.addAll(progress.ids);
        }
        Set<String> changed = new HashSet<>();
        boolean dropped = false;
        Duration left = RunContext.nonNegative(Duration.between(now, earliest));
        if (live && !ids.isEmpty()) {
            changed.addAll(context.changes.awaitChange(ids, left));
            if (changed.isEmpty() && !context.changes.live()) {
                dropped = true;
            } else if (!changed.isEmpty() && lastLook != null) {
                Duration gap = MIN_GAP.minus(Duration.between(lastLook, context.now()));
                Duration untilWake = Duration.between(context.now(), earliest);
                if (!gap.isNegative() && !gap.isZero()) {
                    context.sleeper.sleep(RunContext.shortest(gap, untilWake));
                    changed.addAll(context.changes.awaitChange(ids, Duration.ZERO));
                }
            }
        } else if (!left.isZero()) {
            context.sleeper.sleep(left);
        }
        Instant after = context.now();
        Map<Roll, Cue> cues = new LinkedHashMap<>();
        for (Map.Entry<Roll, Progress> entry : waiting.entrySet()) {
            Roll roll = entry.getKey();
            Progress progress = entry.getValue();
            boolean due = !after.isBefore(wakes.get(roll));
            if (due || (dropped && progress.kind == Progress.Kind.POLL)) {
                cues.put(roll, Cue.EVERYTHING);
                wakes.remove(roll);
                lastFull.put(roll, after);
                if (progress.kind == Progress.Kind.POLL && live && !dropped) {
                    safetyLooks.add(roll);
                }
                continue;
            }
            Set<String> mine = new HashSet<>(changed);
            mine.retainAll(progress.ids);
            if (!mine.isEmpty()) {
                cues.put(roll, new Cue(mine, false));
                wakes.remove(roll);
            }
        }
        return cues;
    }
}
