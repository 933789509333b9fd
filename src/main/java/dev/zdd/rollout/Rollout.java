package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The engine: resolve every argument, check every target, then for each target in the order given: redeploy,
 * wait until the redeploy has demonstrably finished and the service is Running, drain, move on. It stops at the
 * first failure and knows nothing of HTTP or of any one platform.
 */
public final class Rollout {

    /** States that, once the platform has reacted to the redeploy, mean it will not come back by itself. */
    private static final Set<ServiceState> DOWN = Set.of(ServiceState.STOPPED, ServiceState.NOT_RUNNING);

    private final Platform platform;
    private final Clock clock;
    private final Sleeper sleeper;

    public Rollout(Platform platform, Clock clock, Sleeper sleeper) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Runs a rollout of the services named by {@code arguments}, in that order. Never throws for what the
     * platform or the targets did: the report says how it ended and why.
     */
    public RolloutReport run(List<String> arguments, RolloutSettings settings, RolloutListener listener,
                             Cancellation cancellation) {
        cancellation.bind(Thread.currentThread());
        try {
            return new Run(settings, listener, cancellation).execute(List.copyOf(arguments));
        } finally {
            cancellation.unbind();
            Thread.interrupted(); // an interrupt meant for this run must not leak into the caller
        }
    }

    /** The worst case a plan can take: every target uses its whole timeout, plus the drains between them. */
    static Duration worstCase(int targets, RolloutSettings settings) {
        if (targets == 0) {
            return Duration.ZERO;
        }
        Duration worst = settings.timeout().multipliedBy(targets)
                .plus(settings.drainDelay().multipliedBy(targets - 1L));
        return settings.deadline() != null && settings.deadline().compareTo(worst) < 0 ? settings.deadline() : worst;
    }

    /** One run's state, so the steps can share it without a long parameter list. */
    private final class Run {

        private final RolloutSettings settings;
        private final RolloutListener listener;
        private final Cancellation cancellation;
        private final Instant runDeadline;
        private final List<ServiceReport> done = new ArrayList<>();

        Run(RolloutSettings settings, RolloutListener listener, Cancellation cancellation) {
            this.settings = settings;
            this.listener = listener;
            this.cancellation = cancellation;
            this.runDeadline = settings.deadline() == null ? null : clock.instant().plus(settings.deadline());
        }

        RolloutReport execute(List<String> arguments) {
            List<Target> targets;
            try {
                rejectRepeatedArguments(arguments);
                targets = new Resolver(platform).resolve(arguments);
                preflight(targets);
            } catch (ResolutionException | DuplicateTargetException | PreflightException e) {
                return refused(arguments, e);
            } catch (PlatformException e) {
                return cancellation.isRequested()
                        ? new RolloutReport(RunOutcome.INTERRUPTED, notStarted(arguments), null)
                        : new RolloutReport(RunOutcome.FAILED, notStarted(arguments), e);
            }
            listener.plan(targets, settings.dryRun(), settings, worstCase(targets.size(), settings));
            if (settings.dryRun()) {
                return new RolloutReport(RunOutcome.SUCCESS, notStartedTargets(targets, 0), null);
            }
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                if (cancellation.isRequested()) {
                    return finish(RunOutcome.INTERRUPTED, targets, i, null);
                }
                Step step;
                try {
                    step = i == 0 ? redeployAndWait(target, target.service()) : recheckThenRedeploy(target);
                } catch (PlatformException e) {
                    if (cancellation.isRequested()) {
                        done.add(report(target, ServiceOutcome.INTERRUPTED, Duration.ZERO, "interrupted"));
                        return finish(RunOutcome.INTERRUPTED, targets, i + 1, null);
                    }
                    String reason = e.getMessage();
                    listener.failed(target, reason);
                    done.add(report(target, ServiceOutcome.FAILED, Duration.ZERO, reason));
                    return finish(RunOutcome.FAILED, targets, i + 1, e);
                }
                done.add(report(target, step.outcome(), step.took(), step.reason()));
                switch (step.outcome()) {
                    case FAILED -> {
                        return finish(RunOutcome.FAILED, targets, i + 1, null);
                    }
                    case TIMED_OUT -> {
                        return finish(RunOutcome.TIMED_OUT, targets, i + 1, null);
                    }
                    case INTERRUPTED -> {
                        return finish(RunOutcome.INTERRUPTED, targets, i + 1, null);
                    }
                    default -> {
                    }
                }
                if (i < targets.size() - 1) {
                    RunOutcome drained = drain(target);
                    if (drained != null) {
                        return finish(drained, targets, i + 1, null);
                    }
                }
            }
            return finish(RunOutcome.SUCCESS, targets, targets.size(), null);
        }

        private void rejectRepeatedArguments(List<String> arguments) {
            Set<String> seen = new HashSet<>();
            for (String argument : arguments) {
                if (!seen.add(argument)) {
                    throw new DuplicateTargetException(argument, argument, null);
                }
            }
        }

        private void preflight(List<Target> targets) {
            if (settings.force()) {
                return;
            }
            List<PreflightException.Refusal> refusals = new ArrayList<>();
            for (Target target : targets) {
                String why = notReadyToRedeploy(target.service());
                if (why != null) {
                    refusals.add(new PreflightException.Refusal(target, why));
                }
            }
            if (!refusals.isEmpty()) {
                throw new PreflightException(refusals);
            }
        }

        /** Why a service may not be redeployed now, or null when it may. */
        private String notReadyToRedeploy(Service service) {
            if (service.state().isTransitional()) {
                return "is " + service.stateLabel() + " (busy); wait until it is Running, or pass --force";
            }
            if (!service.isFullyRunning()) {
                return "is " + service.stateLabel() + " with " + service.running() + "/" + service.target()
                       + " containers running; redeploying it could take down the only containers that serve"
                       + " (pass --force to redeploy anyway)";
            }
            return null;
        }

        /** Just before each later redeploy, look again: never take down the only containers that still serve. */
        private Step recheckThenRedeploy(Target target) {
            Service now = platform.service(target.id());
            if (!settings.force()) {
                String why = notReadyToRedeploy(now);
                if (why != null) {
                    String reason = "no longer fully Running: " + why;
                    listener.failed(target, reason);
                    return new Step(ServiceOutcome.FAILED, Duration.ZERO, reason);
                }
            }
            return redeployAndWait(target, now);
        }

        /**
         * Redeploys and waits until the redeploy has demonstrably happened and finished. A Running read before
         * the platform reacted never counts: with an action, back means the action reached Success and the service
         * is fully Running; without one, the service must have been seen to leave its old state (or its
         * containers replaced) and come back fully Running.
         */
        private Step redeployAndWait(Target target, Service before) {
            Instant requested = clock.instant();
            Instant stepDeadline = earliest(requested.plus(settings.timeout()), runDeadline);
            Redeployment redeployment = platform.redeploy(before, settings.reuseVolumes());
            listener.redeploying(target, null);
            if (!redeployment.hasAction()) {
                listener.detail(target, "the platform named no action for this redeploy; waiting for the service"
                                        + " to leave " + before.stateLabel() + " and come back");
            }
            Watch watch = new Watch(target, before);
            while (true) {
                try {
                    Action action = redeployment.hasAction() ? platform.action(redeployment.actionId()) : null;
                    Service now;
                    try {
                        now = platform.service(before.id());
                    } catch (PlatformException e) {
                        if (!e.isNotFound()) {
                            throw e;
                        }
                        return watch.fail(requested, "the service disappeared during its redeploy");
                    }
                    Step verdict = watch.look(requested, action, now);
                    if (verdict != null) {
                        return verdict;
                    }
                } catch (PlatformException e) {
                    if (cancellation.isRequested()) {
                        return new Step(ServiceOutcome.INTERRUPTED, since(requested), "interrupted");
                    }
                    throw e;
                }
                Instant now = clock.instant();
                if (!now.isBefore(stepDeadline)) {
                    boolean deadlineFirst = runDeadline != null && runDeadline.equals(stepDeadline);
                    return watch.timeOut(requested, deadlineFirst
                            ? "the run's deadline (--deadline " + Durations.format(settings.deadline()) + ") passed"
                            : "not back within --timeout " + Durations.format(settings.timeout()));
                }
                try {
                    sleeper.sleep(shortest(settings.pollInterval(), Duration.between(now, stepDeadline)));
                } catch (InterruptedException e) {
                    return new Step(ServiceOutcome.INTERRUPTED, since(requested), "interrupted");
                }
                if (cancellation.isRequested()) {
                    return new Step(ServiceOutcome.INTERRUPTED, since(requested), "interrupted");
                }
            }
        }

        /** Waits the drain delay; returns how the run ends when it can't go on, or null to go on. */
        private RunOutcome drain(Target target) {
            Duration delay = settings.drainDelay();
            if (delay.isZero()) {
                return null;
            }
            listener.draining(target, delay);
            Duration left = runDeadline == null ? delay : Duration.between(clock.instant(), runDeadline);
            try {
                sleeper.sleep(shortest(delay, left));
            } catch (InterruptedException e) {
                return RunOutcome.INTERRUPTED;
            }
            if (cancellation.isRequested()) {
                return RunOutcome.INTERRUPTED;
            }
            if (left.compareTo(delay) < 0) {
                listener.detail(target, "the run's deadline passed during the drain delay");
                return RunOutcome.TIMED_OUT;
            }
            return null;
        }

        private RolloutReport finish(RunOutcome outcome, List<Target> targets, int from, RuntimeException cause) {
            List<ServiceReport> services = new ArrayList<>(done);
            services.addAll(notStartedTargets(targets, from));
            return new RolloutReport(outcome, services, cause);
        }

        private RolloutReport refused(List<String> arguments, RuntimeException cause) {
            return new RolloutReport(RunOutcome.REFUSED, notStarted(arguments), cause);
        }

        private List<ServiceReport> notStarted(List<String> arguments) {
            return arguments.stream()
                    .map(a -> new ServiceReport(a, null, ServiceOutcome.NOT_STARTED, Duration.ZERO, null))
                    .toList();
        }

        private List<ServiceReport> notStartedTargets(List<Target> targets, int from) {
            return targets.subList(from, targets.size()).stream()
                    .map(t -> report(t, ServiceOutcome.NOT_STARTED, Duration.ZERO, null))
                    .toList();
        }

        private ServiceReport report(Target target, ServiceOutcome outcome, Duration took, String reason) {
            return new ServiceReport(target.label(), target.id(), outcome, took, reason);
        }

        private Duration since(Instant start) {
            return Duration.between(start, clock.instant());
        }

        /** What one redeploy has shown so far, and the verdict on each new look. */
        private final class Watch {

            private final Target target;
            private final Service before;
            private String lastState;
            private ActionState lastAction;
            /** The platform has demonstrably reacted to this redeploy, so its states are no longer stale. */
            private boolean reacted;

            Watch(Target target, Service before) {
                this.target = target;
                this.before = before;
            }

            Step look(Instant requested, Action action, Service now) {
                report(action, now);
                // An action In progress proves nothing about the service's state yet: only a change of the
                // service itself, or a finished action, makes its state a reading taken after the redeploy.
                if (now.state() != before.state() || replaced(now)
                    || (action != null && action.state().isFinished())) {
                    reacted = true;
                }
                if (action != null && (action.state() == ActionState.FAILED
                                       || action.state() == ActionState.CANCELED)) {
                    return fail(requested, "the redeploy action ended " + action.stateLabel());
                }
                if (now.state() == ServiceState.TERMINATED) {
                    return fail(requested, "the service was terminated");
                }
                boolean finished = action == null ? reacted : action.state() == ActionState.SUCCESS;
                if (finished && now.isFullyRunning()) {
                    Duration took = since(requested);
                    listener.ready(target, null, took);
                    return new Step(ServiceOutcome.REDEPLOYED, took, null);
                }
                if (reacted && DOWN.contains(now.state())) {
                    return fail(requested, "the service is " + now.stateLabel() + " after its redeploy");
                }
                if (action != null && finished && now.state() == ServiceState.PARTLY_RUNNING) {
                    return fail(requested, "the redeploy finished but the service is Partly running ("
                                           + now.running() + "/" + now.target() + " containers running)");
                }
                return null;
            }

            Step fail(Instant requested, String reason) {
                listener.failed(target, reason);
                return new Step(ServiceOutcome.FAILED, since(requested), reason);
            }

            Step timeOut(Instant requested, String why) {
                String reason = why + " (last seen: " + (lastState == null ? "nothing" : lastState)
                                + (lastAction == null ? "" : ", action " + lastAction.label()) + ")";
                listener.failed(target, reason);
                return new Step(ServiceOutcome.TIMED_OUT, since(requested), reason);
            }

            private boolean replaced(Service now) {
                return !before.containerIds().isEmpty() && !now.containerIds().isEmpty()
                       && now.containerIds().stream().noneMatch(before.containerIds()::contains);
            }

            private void report(Action action, Service now) {
                if (action != null && action.state() != lastAction) {
                    lastAction = action.state();
                    listener.detail(target, "action " + action.stateLabel());
                }
                String state = now.stateLabel();
                if (!state.equals(lastState)) {
                    lastState = state;
                    listener.stateChanged(target, null, state);
                }
            }
        }
    }

    /** How one target's redeploy ended. */
    private record Step(ServiceOutcome outcome, Duration took, String reason) {
    }

    private static Instant earliest(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }

    private static Duration shortest(Duration a, Duration b) {
        Duration shorter = a.compareTo(b) <= 0 ? a : b;
        return shorter.isNegative() ? Duration.ZERO : shorter;
    }
}
