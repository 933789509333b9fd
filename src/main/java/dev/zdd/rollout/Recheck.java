package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.Service;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Just before a redeploy that is not the target's first of the run (or whose preflight reading has gone stale),
 * looks at the target again: never take down the only containers that still serve. Fails at once when it no
 * longer serves fully; {@code --force} skips the verdict, never the fresh reading.
 */
final class Recheck implements Phase {

    private final boolean fresh;
    private final boolean invariantFollows;

    /**
     * @param fresh            the preflight's reading of the target is still fresh: nothing was redeployed since
     * @param invariantFollows an {@link Invariant} runs next and reads the target's unfinished actions in its own
     *                         batch, just before the redeploy; without one, this phase reads them
     */
    Recheck(boolean fresh, boolean invariantFollows) {
        this.fresh = fresh;
        this.invariantFollows = invariantFollows;
    }

    @Override
    public Progress advance(Step step, Cue cue) {
        if (fresh) {
            return Progress.done();
        }
        RunContext context = step.context();
        Service now = context.platform.service(step.target().id());
        String why = context.settings.force() ? null : RunContext.notReadyToRedeploy(now);
        if (why != null) {
            String where = step.container() == null ? "" : " before " + step.container().name();
            context.listener.failed(step.target(), "no longer fully Running" + where + ": " + why);
            return Progress.end(StepEnd.failed(step.took(), "no longer fully Running" + where));
        }
        step.service = now;
        if (!invariantFollows && !context.settings.force()) {
            StepEnd busy = refuseIfBusy(step, context.platform.unfinishedActions(List.of(now))
                    .getOrDefault(now.id(), List.of()));
            if (busy != null) {
                return Progress.end(busy);
            }
        }
        return Progress.done();
    }

    /**
     * A target that serves may still have another's change in progress (Swarm reads an update down to its monitor
     * period as Running): preflight refused that, and so does the last look before the target's own redeploy. The
     * step's end when {@code actions} (the target's unfinished ones) says so, else null.
     */
    static StepEnd refuseIfBusy(Step step, List<Action> actions) {
        if (actions.isEmpty()) {
            return null;
        }
        String where = step.container() == null ? "" : " before " + step.container().name();
        String what = describe(actions);
        step.context().listener.failed(step.target(), "busy" + where + ": " + what + " (another pipeline?)");
        return StepEnd.failed(step.took(), "busy" + where + ": " + what);
    }

    /** Unfinished actions as a person reads them: "Service Redeploy In progress, an action Pending". */
    static String describe(List<Action> actions) {
        return actions.stream().map(a -> (a.name() == null ? "an action" : a.name()) + " " + a.stateLabel())
                .collect(Collectors.joining(", "));
    }
}
