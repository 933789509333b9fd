package dev.zdd.rollout;

import java.time.Duration;
import java.util.List;

/**
 * What a rollout will do, once every target is resolved and checked: the waves in order (the services of a wave
 * are redeployed at once), the settings, and the worst case the run can take.
 *
 * @param waves     the targets, wave by wave; a wave of one is a plain sequential step
 * @param dryRun    only planned: nothing will be redeployed
 * @param settings  how the rollout runs
 * @param worstCase every step using its whole timeout, plus every drain delay (or the deadline, if sooner)
 */
public record Plan(List<List<Target>> waves, boolean dryRun, RolloutSettings settings, Duration worstCase) {

    public Plan {
        waves = waves.stream().map(List::copyOf).toList();
    }

    /** Every target in rollout order. */
    public List<Target> targets() {
        return waves.stream().flatMap(List::stream).toList();
    }

    /** Whether any wave holds more than one service. */
    public boolean hasWaves() {
        return waves.stream().anyMatch(w -> w.size() > 1);
    }
}
