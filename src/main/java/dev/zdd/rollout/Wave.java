package dev.zdd.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The services of one wave, redeployed at once and watched together on one thread: each roll advances as far as it
 * can, then the wave waits for the first moment one of them needs, or for the platform to announce a change to
 * what one of them watches. When one fails, the others were already redeploying, so they are watched to their end.
 */
final class Wave {

    private final RunContext context;
    private final List<Roll> rolls;
    private final Pause pause;

    Wave(RunContext context, List<Roll> rolls, Pause pause) {
        this.context = context;
        this.rolls = List.copyOf(rolls);
        this.pause = pause;
    }

    /** Runs every roll to its end; returns how each ended, in the wave's order. */
    List<StepEnd> run() {
        Map<Roll, Cue> cues = new LinkedHashMap<>();
        for (Roll roll : rolls) {
            cues.put(roll, Cue.EVERYTHING);
        }
        while (true) {
            Map<Roll, Progress> waiting = new LinkedHashMap<>();
            Map<Roll, Integer> seenBefore = new LinkedHashMap<>();
            for (Roll roll : rolls) {
                if (roll.end() != null) {
                    continue;
                }
                Cue cue = cues.get(roll);
                if (cue != null) {
                    seenBefore.put(roll, roll.changesSeen());
                    Progress progress = roll.advance(cue);
                    if (progress.kind == Progress.Kind.END) {
                        continue;
                    }
                    waiting.put(roll, progress);
                } else {
                    waiting.put(roll, pause.waitOf(roll));
                }
            }
            pause.looked(seenBefore);
            if (waiting.isEmpty()) {
                break;
            }
            if (context.cancellation.isRequested()) {
                waiting.keySet().forEach(Roll::interrupt);
                break;
            }
            try {
                cues = pause.await(waiting);
            } catch (InterruptedException e) {
                waiting.keySet().forEach(Roll::interrupt);
                break;
            }
            if (context.cancellation.isRequested()) {
                waiting.keySet().forEach(Roll::interrupt);
                break;
            }
        }
        List<StepEnd> ends = new ArrayList<>();
        rolls.forEach(r -> ends.add(r.end()));
        return ends;
    }

    /** The earliest a roll needs the wave to look again. */
    static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
