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

    /** @param fresh the preflight's reading of the target is still fresh: nothing was redeployed since */
    Recheck(boolean fresh) {
        this.fresh = fresh;
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
        if (!context.settings.force()) {
            // A service that serves may still have another's change in progress (Swarm reads an update down to
            // its monitor period as Running): preflight refused that, and so does this later look.
            List<Action> busy = context.platform.unfinishedActions(List.of(now)).getOrDefault(now.id(), List.of());
            if (!busy.isEmpty()) {
                String where = step.container() == null ? "" : " before " + step.container().name();
                String what = busy.stream().map(a -> (a.name() == null ? "an action" : a.name()) + " "
                                                     + a.stateLabel()).collect(Collectors.joining(", "));
                context.listener.failed(step.target(), "busy" + where + ": " + what + " (another pipeline?)");
                return Progress.end(StepEnd.failed(step.took(), "busy" + where + ": " + what));
            }
        }
        step.service = now;
        return Progress.done();
    }
}
