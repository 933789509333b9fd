package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks every target before anything is touched: each is fully Running with no action in progress (unless
 * {@code --force}), and can be taken through the steps asked for. Counts the steps, for the plan's worst case.
 */
final class Preflight {

    private final RunContext context;

    Preflight(RunContext context) {
        this.context = context;
    }

    /** Throws a {@link PreflightException} naming every refusal; returns the worst case the plan can take. */
    Duration check(List<List<Target>> waves) {
        List<PreflightException.Refusal> refusals = new ArrayList<>();
        RolloutSettings settings = context.settings;
        Duration worst = Duration.ZERO;
        // One read of the unfinished actions for every target at once.
        Map<String, List<Action>> busy = settings.force() ? Map.of() : context.platform.unfinishedActions(
                waves.stream().flatMap(List::stream).map(Target::service).toList());
        for (List<Target> wave : waves) {
            int steps = 1;
            for (Target target : wave) {
                String why = settings.force() ? null : notReady(target, busy.getOrDefault(target.id(), List.of()));
                List<Container> containers = settings.perContainer() || settings.readiness().path() != null
                        ? context.containersOf(target.service()) : List.of();
                if (why == null && settings.perContainer() && containers.isEmpty()) {
                    why = "has no containers to redeploy one at a time";
                }
                if (why == null && settings.readiness().path() != null) {
                    why = containers.stream().filter(c -> c.httpEndpoints().isEmpty()).findFirst()
                            .map(c -> "container " + c.name() + " publishes no HTTP port, so --ready-path "
                                      + settings.readiness().path() + " cannot be checked on it")
                            .orElse(null);
                }
                if (why != null) {
                    refusals.add(new PreflightException.Refusal(target, why));
                }
                steps = Math.max(steps, settings.perContainer() ? Math.max(1, containers.size()) : 1);
            }
            // A wave takes as long as its longest roll: its steps, each within its timeout, drains between them.
            worst = worst.plus(settings.timeout().multipliedBy(steps))
                    .plus(settings.drainDelay().multipliedBy(steps - 1L));
        }
        if (!refusals.isEmpty()) {
            throw new PreflightException(refusals);
        }
        worst = worst.plus(settings.drainDelay().multipliedBy(Math.max(0, waves.size() - 1L)));
        return settings.deadline() != null && settings.deadline().compareTo(worst) < 0 ? settings.deadline() : worst;
    }

    /** Why a target may not be redeployed now, or null: its state, then the actions under way on it. */
    private static String notReady(Target target, List<Action> busy) {
        String why = RunContext.notReadyToRedeploy(target.service());
        if (why != null) {
            return why;
        }
        if (busy.isEmpty()) {
            return null;
        }
        return "has " + busy.stream().map(a -> (a.name() == null ? "an action" : a.name()) + " " + a.stateLabel())
                .collect(Collectors.joining(", ")) + " (busy); wait until it ends, or pass --force";
    }

    /** Refuses what the platform can't do, before anything is read. */
    static void requireCapabilities(Platform platform, RolloutSettings settings) {
        Platform.Capabilities can = platform.capabilities();
        String missing = null;
        if (settings.perContainer() && !can.containerRedeploy()) {
            missing = "--per-container";
        } else if (settings.readiness().path() != null && !can.containerEndpoints()) {
            missing = "--ready-path";
        }
        if (missing != null) {
            throw new UnsupportedStepException(missing, platform.describe(), can.why());
        }
    }
}
