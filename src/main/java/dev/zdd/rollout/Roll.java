package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One target's part of a wave: one service step, or with {@code --per-container} one step per container, one
 * container at a time, with the drain delay between containers.
 */
final class Roll {

    private final RunContext context;
    private final Target target;
    private final List<Target> others;
    private final boolean fresh;
    /** The containers to redeploy one at a time, or null for a service step. */
    private final List<Container> containers;
    private final Instant started;
    /** The first container's redeploy request: what the service's durations count from, once there is one. */
    private Instant firstRedeploy;
    private int index;
    private Step step;
    /** While the drain delay between two containers runs: its end. */
    private Instant drainUntil;
    private boolean drainCut;
    private StepEnd end;

    /**
     * @param others the run's targets outside this wave, which the safety invariant guards
     * @param fresh  the run redeployed nothing yet: the preflight's readings are still fresh
     */
    Roll(RunContext context, Target target, List<Target> others, boolean fresh) {
        this.context = context;
        this.target = target;
        this.others = others;
        this.fresh = fresh;
        this.containers = context.settings.perContainer() ? context.containersOf(target.service()) : null;
        this.started = context.now();
        this.step = newStep();
    }

    Target target() {
        return target;
    }

    /** The step under way, or null during a drain and once ended. */
    Step step() {
        return end == null && drainUntil == null ? step : null;
    }

    /** When the step under way must end, or the drain's end. */
    Instant deadline() {
        return drainUntil != null ? drainUntil : step.deadline();
    }

    int changesSeen() {
        return step.changesSeen();
    }

    Progress advance(Cue cue) {
        Cue next = cue;
        while (true) {
            if (end != null) {
                return Progress.end(end);
            }
            if (drainUntil != null) {
                if (context.now().isBefore(drainUntil)) {
                    return Progress.until(drainUntil);
                }
                drainUntil = null;
                if (drainCut) {
                    context.listener.detail(target, "the run's deadline passed during the drain delay");
                    return ended(StepEnd.timedOut(took(),
                            "the run's deadline passed during the drain delay"));
                }
                index++;
                step = newStep();
                next = Cue.EVERYTHING;
            }
            Progress progress = step.advance(next);
            if (firstRedeploy == null) {
                firstRedeploy = step.redeployedAt();
            }
            if (progress.kind != Progress.Kind.END) {
                return progress;
            }
            StepEnd stepEnd = progress.end;
            if (containers == null) {
                return ended(stepEnd);
            }
            Container old = containers.get(index);
            if (!stepEnd.succeeded()) {
                return ended(stepEnd.took(took()).because(old.name() + ": "));
            }
            if (index == containers.size() - 1) {
                Duration took = took();
                context.listener.ready(target, null, took);
                return ended(StepEnd.redeployed(took));
            }
            Duration delay = context.settings.drainDelay();
            Instant now = context.now();
            drainUntil = now.plus(delay);
            if (context.runDeadline != null && context.runDeadline.isBefore(drainUntil)) {
                drainUntil = context.runDeadline;
                drainCut = true;
            }
            if (!delay.isZero()) {
                context.listener.draining(target, delay);
            }
        }
    }

    /** Ends the roll as interrupted, unless it has already ended. */
    StepEnd interrupt() {
        if (end == null) {
            StepEnd stepEnd = drainUntil == null ? step.interrupt() : StepEnd.interrupted(Duration.ZERO);
            end = stepEnd.took(took());
        }
        return end;
    }

    /** From the service's first redeploy request, or from the roll's start while there is none. */
    private Duration took() {
        return context.since(firstRedeploy == null ? started : firstRedeploy);
    }

    StepEnd end() {
        return end;
    }

    private Progress ended(StepEnd how) {
        end = how;
        return Progress.end(how);
    }

    private Step newStep() {
        boolean preflightFresh = fresh && index == 0;
        Container container = containers == null ? null : containers.get(index);
        List<Phase> phases = new ArrayList<>(container == null
                ? List.of(new Recheck(preflightFresh, !others.isEmpty()), new Invariant(others, preflightFresh), new ServiceRedeploy(),
                          new ServiceWatch(), new Gate())
                : List.of(new Recheck(preflightFresh, !others.isEmpty()), new Invariant(others, preflightFresh),
                          new ContainerRedeploy(index == 0), new ContainerWatch(), new Gate()));
        if (context.balancing.enabled()) {
            // Drained only once the invariant allows the step, so that a refused step drains nothing.
            LbDrain drain = new LbDrain(context.lbAssignment.of(target, container));
            phases.add(2, drain);
            phases.add(new LbUp(drain));
        }
        return new Step(context, target, container, phases);
    }
}
