package dev.zdd.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a rollout will do, once every target is resolved and checked: the waves in order (the services of a wave
 * are redeployed at once), the settings, and the worst case the run can take.
 *
 * @param waves     the targets, wave by wave; a wave of one is a plain sequential step
 * @param dryRun    only planned: nothing will be redeployed
 * @param settings  how the rollout runs
 * @param worstCase every step using its whole timeout, plus every drain delay (or the deadline, if sooner)
 * @param lbServers with {@code --lb}: each target's load balancer servers as they were at the preflight, by
 *                  target id; empty without
 */
public record Plan(List<List<Target>> waves, boolean dryRun, RolloutSettings settings, Duration worstCase,
                   Map<String, List<LbEntry>> lbServers) {

    /**
     * One of a target's load balancer servers.
     *
     * @param lb     the load balancer, as {@link LoadBalancer#describe()} says it
     * @param server the server as it was then
     */
    public record LbEntry(String lb, LoadBalancer.Server server) {
    }

    public Plan {
        waves = waves.stream().map(List::copyOf).toList();
        lbServers = lbServers == null ? Map.of() : Map.copyOf(lbServers);
    }

    public Plan(List<List<Target>> waves, boolean dryRun, RolloutSettings settings, Duration worstCase) {
        this(waves, dryRun, settings, worstCase, Map.of());
    }

    /** Every target in rollout order. */
    public List<Target> targets() {
        return waves.stream().flatMap(List::stream).toList();
    }

    /** Whether any wave holds more than one service. */
    public boolean hasWaves() {
        return waves.stream().anyMatch(w -> w.size() > 1);
    }

    /** A target's load balancer servers; none without {@code --lb}. */
    public List<LbEntry> lbServers(Target target) {
        return lbServers.getOrDefault(target.id(), List.of());
    }
}
