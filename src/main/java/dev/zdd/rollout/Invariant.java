package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run's safety promise, checked just before every redeploy: zdd never takes a service down unless every other
 * service named in the run, outside the current wave, is fully Running with no action in progress. When one is not
 * (another pipeline redeployed it meanwhile), the step waits for it within its own timeout, then fails without
 * touching anything. {@code --force} skips it, as it skips every state check.
 */
final class Invariant implements Phase {

    private final List<Target> others;
    private final boolean fresh;
    /** What the last look found wrong, for the messages; null while nothing was. */
    private String blocker;

    /**
     * @param others the run's targets outside the step's wave
     * @param fresh  the preflight just saw every one of them fully Running and idle
     */
    Invariant(List<Target> others, boolean fresh) {
        this.others = List.copyOf(others);
        this.fresh = fresh;
    }

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        if (fresh || others.isEmpty() || context.settings.force()) {
            return Progress.done();
        }
        Set<String> watch = new HashSet<>();
        List<Service> serving = new ArrayList<>();
        String found = null;
        for (Target other : others) {
            watch.add(other.id());
            Service now = context.serviceOrNull(other.id());
            if (now == null) {
                String why = other.label() + ", also named in this run, no longer exists; not redeploying "
                             + step.target().label() + " without it";
                context.listener.failed(step.target(), why);
                return Progress.end(StepEnd.failed(step.took(), why));
            }
            if (!now.isFullyRunning()) {
                found = other.label() + " is " + now.stateLabel() + " (" + now.running() + "/" + now.target()
                        + " running)";
                break;
            }
            serving.add(now);
        }
        if (found == null) {
            // Every other target reads fully Running: one read of the unfinished actions for all of them, and for
            // the step's own target, which must not have another's change in progress either (see Recheck).
            List<Service> asked = new ArrayList<>(serving);
            if (step.service != null) {
                asked.add(step.service);
            }
            Map<String, List<Action>> busy = context.platform.unfinishedActions(asked);
            StepEnd targetBusy = step.service == null ? null
                    : Recheck.refuseIfBusy(step, busy.getOrDefault(step.service.id(), List.of()));
            if (targetBusy != null) {
                return Progress.end(targetBusy);
            }
            for (Target other : others) {
                // The run's own redeploys that were back and ready while the platform still watches them (Swarm's
                // monitor period) are no one's action in progress: the run settles them before it ends.
                List<Action> actions = busy.getOrDefault(other.id(), List.of()).stream()
                        .filter(a -> !stillTheRunsOwn(context, other, a)).toList();
                if (!actions.isEmpty()) {
                    actions.forEach(a -> watch.add(a.id()));
                    found = other.label() + " has " + Recheck.describe(actions);
                    break;
                }
            }
        }
        if (found == null) {
            if (blocker != null) {
                context.listener.detail(step.target(), "the other targets serve again: going on");
            }
            return Progress.done();
        }
        if (!found.equals(blocker)) {
            context.listener.detail(step.target(), "waiting: " + found + "; zdd takes no service down while"
                                                   + " another target of the run is down or busy");
        }
        blocker = found;
        return Progress.poll(watch);
    }

    /**
     * Whether an unfinished action on another target is the run's own redeploy, back and ready while the platform
     * still watches it. Its id alone does not tell: a later change of the service by someone else may read with the
     * same id (Swarm: an image update keeps the spec's ForceUpdate), so the action is read again, and it is the
     * run's own only while it still reads as a Success.
     */
    private static boolean stillTheRunsOwn(RunContext context, Target other, Action action) {
        if (!action.id().equals(context.settling.get(other.id()))) {
            return false;
        }
        return context.platform.action(action.id()).state() == ActionState.SUCCESS;
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        String why = "not redeployed: " + blocker + " (another pipeline?), and " + limit;
        step.context().listener.failed(step.target(), why);
        return StepEnd.failed(step.took(), why);
    }
}
