package dev.zdd.rollout;

import dev.zdd.platform.Container;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One step of a rollout in progress: a service, or one container of it, taken through its phases in order (the
 * checks before, the redeploy, the watch until it is back, the readiness gate) within one deadline. The phases
 * share what they learn through it.
 */
final class Step {

    private final RunContext context;
    private final Target target;
    private final Container container;
    private final List<Phase> phases;
    private final Instant started;
    /** When the redeploy was asked for: what the step's durations count from, once there is one. */
    private Instant redeployed;
    private final Instant deadline;
    private int current;
    private StepEnd end;
    private int changesSeen;

    /** The service as the last reading before the redeploy saw it: what gets redeployed. */
    Service service;
    /** What the platform answered to the redeploy request, once sent. */
    Redeployment redeployment;
    /** With {@code --per-container}: the container that replaced {@link #container()}, once it is back. */
    Container replacement;

    Step(RunContext context, Target target, Container container, List<Phase> phases) {
        this.context = context;
        this.target = target;
        this.container = container;
        this.phases = List.copyOf(phases);
        this.started = context.now();
        this.deadline = context.stepDeadline(started);
        this.service = target.service();
    }

    /** Runs phases until one waits or the step ends. Never throws: a failure ends the step. */
    Progress advance(Cue cue) {
        if (end != null) {
            return Progress.end(end);
        }
        context.boundPlatform(deadline);
        Cue next = cue;
        try {
            while (true) {
                Phase phase = phases.get(current);
                Progress progress = phase.advance(this, next);
                switch (progress.kind) {
                    case DONE -> {
                        current++;
                        if (current == phases.size()) {
                            return finish(StepEnd.redeployed(took()));
                        }
                        next = Cue.EVERYTHING;
                    }
                    case END -> {
                        return finish(progress.end);
                    }
                    default -> {
                        if (!context.now().isBefore(deadline)) {
                            return finish(phase.expired(this, context.limitReached(deadline)));
                        }
                        return progress;
                    }
                }
            }
        } catch (RuntimeException e) {
            // A platform failure, or a bug: either way the step ends here and the report says truly what happened.
            if (context.cancellation.isRequested()) {
                return finish(StepEnd.interrupted(took()));
            }
            if (e instanceof PlatformException platform && platform.isDeadline()) {
                // The platform kept a look from starting, or cut it, at this step's deadline: the step timed out.
                return finish(phases.get(current).expired(this, context.limitReached(deadline)));
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            context.listener.failed(target, container == null ? reason : container.name() + ": " + reason);
            return finish(new StepEnd(ServiceOutcome.FAILED, took(), reason, e));
        }
    }

    /** Ends the step as interrupted, unless it has already ended. */
    StepEnd interrupt() {
        if (end == null) {
            end = StepEnd.interrupted(took());
        }
        return end;
    }

    private Progress finish(StepEnd how) {
        end = how;
        return Progress.end(how);
    }

    /** Phases call this when a look found something new, so the wave can tell whether a safety look was needed. */
    void sawChange() {
        changesSeen++;
    }

    int changesSeen() {
        return changesSeen;
    }

    /** Ends the step as failed: says so, with the container's name when the step is a container's. */
    StepEnd fail(String reason) {
        return fail(container, reason);
    }

    StepEnd fail(Container which, String reason) {
        context.listener.failed(target, which == null ? reason : which.name() + ": " + reason);
        return StepEnd.failed(took(), reason);
    }

    RunContext context() {
        return context;
    }

    Target target() {
        return target;
    }

    /** The container this step redeploys, or null for a service step. */
    Container container() {
        return container;
    }

    Instant started() {
        return started;
    }

    Instant deadline() {
        return deadline;
    }

    /**
     * How long the step has taken: from its redeploy request once there is one (the contract's "from its redeploy
     * to back and ready"), before that from its start (a wait for the other targets, a drain in the load balancer).
     */
    Duration took() {
        return context.since(redeployed == null ? started : redeployed);
    }

    /** The redeploy phases call this as they ask for the redeploy. */
    void redeployRequested() {
        if (redeployed == null) {
            redeployed = context.now();
        }
    }

    /** When the redeploy was asked for, or null before. */
    Instant redeployedAt() {
        return redeployed;
    }
}
