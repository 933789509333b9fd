package dev.zdd.rollout;

import dev.zdd.platform.Service;

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
        step.service = now;
        return Progress.done();
    }
}
