package dev.zdd.rollout;

/**
 * One part of a step, e.g. the check that the other targets serve, the redeploy request, the watch until it is
 * back, the readiness gate. A step runs its phases in order; a phase never blocks for long: it looks, then says
 * what it needs next, so that the services of a wave advance together on one thread and one clock.
 */
interface Phase {

    /** Looks (as {@code cue} says what may have changed) and says what is next. */
    Progress advance(Step step, Cue cue);

    /**
     * How the step ends when its deadline passes while this phase waits; {@code limit} says which limit it was.
     * By default a timeout.
     */
    default StepEnd expired(Step step, String limit) {
        step.context().listener.failed(step.target(), limit);
        return StepEnd.timedOut(step.took(), limit);
    }
}
