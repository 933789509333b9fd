package dev.zdd.rollout;

import dev.zdd.time.Durations;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The engine: resolve every argument, check every target, then for each target in the order given: redeploy,
 * wait until the redeploy has demonstrably happened and finished and the service is Running (and, if asked,
 * answering HTTP), drain, move on. It stops at the first failure and knows nothing of HTTP or of any one
 * platform.
 */
public final class Rollout {

    /** States that, once the platform has reacted to the redeploy, mean it will not come back by itself. */
    private static final Set<ServiceState> DOWN = Set.of(ServiceState.STOPPED, ServiceState.NOT_RUNNING);
    /**
     * While the platform announces changes, each one triggers a look at once, so looks on a timer only guard
     * against a lost announcement. Two looks a minute (two GETs each) keep a wait within 10 requests a minute with
     * room for the looks that announcements trigger.
     */
    static final Duration SAFETY_INTERVAL = Duration.ofSeconds(30);

    private final Platform platform;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ReadinessCheck readinessCheck;

    public Rollout(Platform platform, Clock clock, Sleeper sleeper) {
        this(platform, clock, sleeper, null);
    }

    /** With a readiness check, for {@code --ready-path} and {@code --ready-url}. */
    public Rollout(Platform platform, Clock clock, Sleeper sleeper, ReadinessCheck readinessCheck) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.readinessCheck = readinessCheck;
    }

    /**
     * Runs a rollout of the services named by {@code arguments}, in that order. Never throws for what the
     * platform or the targets did: the report says how it ended and why.
     */
    public RolloutReport run(List<String> arguments, RolloutSettings settings, RolloutListener listener,
                             Cancellation cancellation) {
        if (!settings.readiness().isNone() && readinessCheck == null) {
            throw new IllegalStateException("readiness checks were asked for but no ReadinessCheck was given");
        }
        cancellation.bind(Thread.currentThread());
        try {
            return new Run(settings, listener, cancellation).execute(List.copyOf(arguments));
        } finally {
            cancellation.unbind();
            Thread.interrupted(); // an interrupt meant for this run must not leak into the caller
        }
    }

    /** The worst case a plan can take: every step uses its whole timeout, plus the drains between steps. */
    static Duration worstCase(int steps, RolloutSettings settings) {
        if (steps == 0) {
            return Duration.ZERO;
        }
        Duration worst = settings.timeout().multipliedBy(steps)
                .plus(settings.drainDelay().multipliedBy(steps - 1L));
        return settings.deadline() != null && settings.deadline().compareTo(worst) < 0 ? settings.deadline() : worst;
    }

    /** How one step (a service, or one container) ended. */
    private record Step(ServiceOutcome outcome, Duration took, String reason) {

        boolean succeeded() {
            return outcome == ServiceOutcome.REDEPLOYED;
        }
    }

    /** One look at a redeploy in progress: a verdict, or null to look again after a nap. */
    @FunctionalInterface
    private interface Look {
        Step look(Cue cue);
    }

    /**
     * Why a look happens: the platform announced that these ids changed, or (everything) nothing says what
     * changed, so every reading must be taken again.
     */
    private record Cue(Set<String> changed, boolean everything) {

        static final Cue EVERYTHING = new Cue(Set.of(), true);

        boolean about(String id) {
            return everything || changed.contains(id);
        }
    }

    /** One run's state, so the steps can share it without long parameter lists. */
    private final class Run {

        private final RolloutSettings settings;
        private final RolloutListener listener;
        private final Cancellation cancellation;
        private final Instant runDeadline;
        private final List<ServiceReport> done = new ArrayList<>();
        /** The platform's announcements while redeploying; none during preflight or a dry run. */
        private Changes changes = Changes.NONE;
        /** Nothing redeployed yet in this run: the preflight's reading of the first target is still fresh. */
        private boolean firstStep = true;

        Run(RolloutSettings settings, RolloutListener listener, Cancellation cancellation) {
            this.settings = settings;
            this.listener = listener;
            this.cancellation = cancellation;
            this.runDeadline = settings.deadline() == null ? null : clock.instant().plus(settings.deadline());
        }

        RolloutReport execute(List<String> arguments) {
            List<Target> targets;
            int steps;
            try {
                rejectRepeatedArguments(arguments);
                targets = new Resolver(platform).resolve(arguments);
                steps = preflight(targets);
            } catch (ResolutionException | DuplicateTargetException | PreflightException e) {
                return new RolloutReport(RunOutcome.REFUSED, notStarted(arguments), e);
            } catch (PlatformException e) {
                return new RolloutReport(cancellation.isRequested() ? RunOutcome.INTERRUPTED : RunOutcome.FAILED,
                        notStarted(arguments), cancellation.isRequested() ? null : e);
            }
            listener.plan(targets, settings.dryRun(), settings, worstCase(steps, settings));
            if (settings.dryRun()) {
                return finish(RunOutcome.SUCCESS, targets, 0, null);
            }
            try (Changes opened = platform.changes()) {
                changes = opened;
                return redeployAll(targets);
            } finally {
                changes = Changes.NONE;
            }
        }

        private RolloutReport redeployAll(List<Target> targets) {
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                if (cancellation.isRequested()) {
                    return finish(RunOutcome.INTERRUPTED, targets, i, null);
                }
                Instant started = clock.instant();
                Step step;
                try {
                    step = settings.perContainer() ? rollContainers(target) : redeployService(target);
                } catch (RuntimeException e) {
                    // A platform failure, or a bug: either way the report must still say truly what was
                    // redeployed before it and what was never touched.
                    if (cancellation.isRequested()) {
                        done.add(report(target, ServiceOutcome.INTERRUPTED, since(started), "interrupted"));
                        return finish(RunOutcome.INTERRUPTED, targets, i + 1, null);
                    }
                    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                    listener.failed(target, reason);
                    done.add(report(target, ServiceOutcome.FAILED, since(started), reason));
                    return finish(RunOutcome.FAILED, targets, i + 1, e);
                }
                done.add(report(target, step.outcome(), step.took(), step.reason()));
                if (!step.succeeded()) {
                    return finish(runOutcome(step.outcome()), targets, i + 1, null);
                }
                if (i < targets.size() - 1) {
                    RunOutcome stopped = drain(target);
                    if (stopped != null) {
                        return finish(stopped, targets, i + 1, null);
                    }
                }
            }
            return finish(RunOutcome.SUCCESS, targets, targets.size(), null);
        }

        private RunOutcome runOutcome(ServiceOutcome failed) {
            return switch (failed) {
                case TIMED_OUT -> RunOutcome.TIMED_OUT;
                case INTERRUPTED -> RunOutcome.INTERRUPTED;
                default -> RunOutcome.FAILED;
            };
        }

        private void rejectRepeatedArguments(List<String> arguments) {
            Set<String> seen = new HashSet<>();
            for (String argument : arguments) {
                if (!seen.add(argument)) {
                    throw new DuplicateTargetException(argument, argument, null);
                }
            }
        }

        /** Checks every target before anything is touched; returns how many steps the rollout will take. */
        private int preflight(List<Target> targets) {
            List<PreflightException.Refusal> refusals = new ArrayList<>();
            int steps = 0;
            for (Target target : targets) {
                String why = settings.force() ? null : notReadyToRedeploy(target.service());
                List<Container> containers = settings.perContainer() || settings.readiness().path() != null
                        ? containersOf(target.service()) : List.of();
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
                steps += settings.perContainer() ? Math.max(1, containers.size()) : 1;
            }
            if (!refusals.isEmpty()) {
                throw new PreflightException(refusals);
            }
            return steps;
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

        /**
         * Just before each redeploy after the first, look again: never take down the only containers that still
         * serve. Returns the fresh service, or empty (after reporting the failure) when it may not be touched.
         */
        private Optional<Service> recheck(Target target, Container container) {
            if (firstStep) {
                firstStep = false;
                return Optional.of(target.service());
            }
            Service now = platform.service(target.id());
            String why = settings.force() ? null : notReadyToRedeploy(now);
            if (why != null) {
                listener.failed(target, "no longer fully Running"
                                        + (container == null ? "" : " before " + container.name()) + ": " + why);
                return Optional.empty();
            }
            return Optional.of(now);
        }

        private Step redeployService(Target target) {
            Instant requested = clock.instant();
            Instant stepDeadline = stepDeadline(requested);
            Optional<Service> fresh = recheck(target, null);
            if (fresh.isEmpty()) {
                return new Step(ServiceOutcome.FAILED, Duration.ZERO, "no longer fully Running");
            }
            Service before = fresh.get();
            Redeployment redeployment = platform.redeploy(before, settings.reuseVolumes());
            listener.redeploying(target, null);
            if (!redeployment.hasAction()) {
                listener.detail(target, "the platform named no action for this redeploy; waiting for the service"
                                        + " to leave " + before.stateLabel() + " and come back");
            }
            ServiceWatch watch = new ServiceWatch(target, before, redeployment);
            Step back = waitFor(target, requested, stepDeadline, watch::lastSeen,
                    watched(redeployment, target.id()), cue -> watch.look(requested, cue));
            if (!back.succeeded()) {
                return back;
            }
            List<URI> urls = new ArrayList<>();
            if (settings.readiness().path() != null) {
                containersOf(before).forEach(c -> urls.addAll(readyUrls(c)));
            }
            urls.addAll(settings.readiness().urls());
            return gate(target, null, urls, requested, stepDeadline);
        }

        /** Per container: redeploy it, wait until it is replaced and Running, gate on readiness, drain. */
        private Step rollContainers(Target target) {
            Instant started = clock.instant();
            List<Container> containers = containersOf(target.service());
            for (int j = 0; j < containers.size(); j++) {
                if (cancellation.isRequested()) {
                    return new Step(ServiceOutcome.INTERRUPTED, since(started), "interrupted");
                }
                Container old = containers.get(j);
                Instant requested = clock.instant();
                Instant stepDeadline = stepDeadline(requested); // bounds the re-check's retries too
                Optional<Service> fresh = recheck(target, old);
                if (fresh.isEmpty()) {
                    return new Step(ServiceOutcome.FAILED, since(started),
                            "no longer fully Running before " + old.name());
                }
                Step step = redeployContainer(target, fresh.get(), old, requested, stepDeadline);
                if (!step.succeeded()) {
                    return new Step(step.outcome(), since(started), old.name() + ": " + step.reason());
                }
                if (j < containers.size() - 1) {
                    RunOutcome stopped = drain(target);
                    if (stopped != null) {
                        ServiceOutcome outcome = stopped == RunOutcome.INTERRUPTED
                                ? ServiceOutcome.INTERRUPTED : ServiceOutcome.TIMED_OUT;
                        return new Step(outcome, since(started), stopped == RunOutcome.INTERRUPTED
                                ? "interrupted" : "the run's deadline passed during the drain delay");
                    }
                }
            }
            Duration took = since(started);
            listener.ready(target, null, took);
            return new Step(ServiceOutcome.REDEPLOYED, took, null);
        }

        private Step redeployContainer(Target target, Service service, Container old, Instant requested,
                                       Instant stepDeadline) {
            Redeployment redeployment = platform.redeploy(old, settings.reuseVolumes());
            listener.redeploying(target, old);
            ContainerWatch watch = new ContainerWatch(target, service, old, redeployment);
            Step back = waitFor(target, requested, stepDeadline, watch::lastSeen,
                    watched(redeployment, target.id(), old.id()), cue -> watch.look(requested, cue));
            if (!back.succeeded()) {
                return back;
            }
            List<URI> urls = new ArrayList<>();
            if (settings.readiness().path() != null) {
                urls.addAll(readyUrls(watch.replacement));
                if (urls.isEmpty()) {
                    return fail(target, watch.replacement, requested, "the new container publishes no HTTP port"
                                                                      + " for --ready-path");
                }
            }
            urls.addAll(settings.readiness().urls());
            return gate(target, watch.replacement, urls, requested, stepDeadline);
        }

        /**
         * Looks until a verdict, bounded by the deadline. Between looks it waits for an announced change to one of
         * {@code ids} for at most the safety interval while the platform announces changes, and naps the poll
         * interval while it does not.
         */
        private Step waitFor(Target target, Instant requested, Instant stepDeadline,
                             Supplier<String> lastSeen, Set<String> ids, Look look) {
            Cue cue = Cue.EVERYTHING;
            while (true) {
                try {
                    Step verdict = look.look(cue);
                    if (verdict != null) {
                        return verdict;
                    }
                } catch (PlatformException e) {
                    if (cancellation.isRequested()) {
                        return interrupted(requested);
                    }
                    throw e;
                }
                Instant now = clock.instant();
                if (!now.isBefore(stepDeadline)) {
                    String why = timeoutReason(stepDeadline) + " (last seen: " + lastSeen.get() + ")";
                    listener.failed(target, why);
                    return new Step(ServiceOutcome.TIMED_OUT, since(requested), why);
                }
                try {
                    cue = pause(ids, Duration.between(now, stepDeadline));
                } catch (InterruptedException e) {
                    return interrupted(requested);
                }
                if (cancellation.isRequested()) {
                    return interrupted(requested);
                }
            }
        }

        /** The wait between two looks, and what the next look is for. */
        private Cue pause(Set<String> ids, Duration left) throws InterruptedException {
            if (!changes.live()) {
                sleeper.sleep(shortest(settings.pollInterval(), left));
                return Cue.EVERYTHING;
            }
            Duration safety = settings.pollInterval().compareTo(SAFETY_INTERVAL) > 0
                    ? settings.pollInterval() : SAFETY_INTERVAL;
            Set<String> changed = changes.awaitChange(ids, shortest(safety, left));
            return changed.isEmpty() ? Cue.EVERYTHING : new Cue(Set.copyOf(changed), false);
        }

        /** The ids whose announced changes a wait reacts to: the objects redeployed, and the redeploy's action. */
        private Set<String> watched(Redeployment redeployment, String... objectIds) {
            Set<String> ids = new HashSet<>(List.of(objectIds));
            if (redeployment.hasAction()) {
                ids.add(redeployment.actionId());
            }
            return Set.copyOf(ids);
        }

        /** After a step is back: every readiness URL must answer, within the same step deadline. */
        private Step gate(Target target, Container container, List<URI> urls, Instant requested,
                          Instant stepDeadline) {
            for (URI url : urls) {
                listener.detail(target, "waiting for " + url + " to answer 2xx "
                                        + settings.readiness().successes() + " times in a row");
                String failure;
                try {
                    failure = readinessCheck.await(url, settings.readiness().successes(), stepDeadline);
                } catch (InterruptedException e) {
                    return interrupted(requested);
                }
                if (cancellation.isRequested()) {
                    return interrupted(requested);
                }
                if (failure != null) {
                    String why = "not ready: GET " + url + " last gave " + failure + "; "
                                 + timeoutReason(stepDeadline);
                    listener.failed(target, why);
                    return new Step(ServiceOutcome.TIMED_OUT, since(requested), why);
                }
            }
            Duration took = since(requested);
            listener.ready(target, container, took);
            return new Step(ServiceOutcome.REDEPLOYED, took, null);
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

        /** The step's deadline, which from now on also bounds the platform's retries. */
        private Instant stepDeadline(Instant requested) {
            Instant own = requested.plus(settings.timeout());
            Instant deadline = runDeadline == null || own.isBefore(runDeadline) ? own : runDeadline;
            platform.retryUntil(deadline);
            return deadline;
        }

        private String timeoutReason(Instant stepDeadline) {
            return runDeadline != null && runDeadline.equals(stepDeadline)
                    ? "the run's deadline (--deadline " + Durations.setting(settings.deadline()) + ") passed"
                    : "not back within --timeout " + Durations.setting(settings.timeout());
        }

        /** The service now, or null when it is gone (which the watch reports as a failure). */
        private Service service(Target target) {
            try {
                return platform.service(target.id());
            } catch (PlatformException e) {
                if (e.isNotFound()) {
                    return null;
                }
                throw e;
            }
        }

        private List<Container> containersOf(Service service) {
            return platform.containers(service).stream()
                    .filter(c -> c.state() != ContainerState.TERMINATED)
                    .sorted(Comparator.comparing(Container::name))
                    .toList();
        }

        private List<URI> readyUrls(Container container) {
            String path = settings.readiness().path();
            String suffix = path.startsWith("/") ? path.substring(1) : path;
            return container.httpEndpoints().stream()
                    .map(e -> URI.create(e.toString().endsWith("/") ? e + suffix : e + "/" + suffix))
                    .toList();
        }

        private Step fail(Target target, Container container, Instant requested, String reason) {
            listener.failed(target, container == null ? reason : container.name() + ": " + reason);
            return new Step(ServiceOutcome.FAILED, since(requested), reason);
        }

        private Step interrupted(Instant requested) {
            return new Step(ServiceOutcome.INTERRUPTED, since(requested), "interrupted");
        }

        private RolloutReport finish(RunOutcome outcome, List<Target> targets, int from, RuntimeException cause) {
            List<ServiceReport> services = new ArrayList<>(done);
            targets.subList(from, targets.size())
                    .forEach(t -> services.add(report(t, ServiceOutcome.NOT_STARTED, Duration.ZERO, null)));
            return new RolloutReport(outcome, services, cause);
        }

        private List<ServiceReport> notStarted(List<String> arguments) {
            return arguments.stream()
                    .map(a -> new ServiceReport(a, null, ServiceOutcome.NOT_STARTED, Duration.ZERO, null))
                    .toList();
        }

        private ServiceReport report(Target target, ServiceOutcome outcome, Duration took, String reason) {
            return new ServiceReport(target.label(), target.id(), outcome, took, reason);
        }

        private Duration since(Instant start) {
            return Duration.between(start, clock.instant());
        }

        /** What a service redeploy has shown so far, and the verdict on each new look. */
        private final class ServiceWatch {

            private final Target target;
            private final Service before;
            private final Redeployment redeployment;
            /** The latest readings: a look takes again only those that an announced change made stale. */
            private Action action;
            private Service service;
            private String lastState;
            private ActionState lastAction;
            /** The platform has demonstrably reacted to this redeploy, so its states are no longer stale. */
            private boolean reacted;

            ServiceWatch(Target target, Service before, Redeployment redeployment) {
                this.target = target;
                this.before = before;
                this.redeployment = redeployment;
            }

            Step look(Instant requested, Cue cue) {
                boolean finishedBefore = action != null && action.state().isFinished();
                if (redeployment.hasAction() && cue.about(redeployment.actionId())) {
                    action = platform.action(redeployment.actionId());
                }
                boolean justFinished = !finishedBefore && action != null && action.state().isFinished();
                // A service read before its action finished may predate the redeploy: the action's end is a
                // reason to read the service again even when the service itself announced nothing.
                if (cue.about(target.id()) || justFinished) {
                    service = service(target);
                }
                return judge(requested, action, service);
            }

            private Step judge(Instant requested, Action action, Service now) {
                if (now == null) {
                    return fail(target, null, requested, "the service disappeared during its redeploy");
                }
                report(action, now);
                // An action In progress proves nothing about the service's state yet: only a change of the
                // service itself, or a finished action, makes its state a reading taken after the redeploy.
                if (now.state() != before.state() || replaced(now)
                    || (action != null && action.state().isFinished())) {
                    reacted = true;
                }
                if (action != null && (action.state() == ActionState.FAILED
                                       || action.state() == ActionState.CANCELED)) {
                    return fail(target, null, requested, "the redeploy action ended " + action.stateLabel());
                }
                if (now.state() == ServiceState.TERMINATED) {
                    return fail(target, null, requested, "the service was terminated");
                }
                boolean finished = action == null ? reacted : action.state() == ActionState.SUCCESS;
                if (finished && now.isFullyRunning()) {
                    return new Step(ServiceOutcome.REDEPLOYED, since(requested), null);
                }
                if (reacted && DOWN.contains(now.state())) {
                    return fail(target, null, requested, "the service is " + now.stateLabel()
                                                         + " after its redeploy");
                }
                if (action != null && finished && now.state() == ServiceState.PARTLY_RUNNING) {
                    return fail(target, null, requested, "the redeploy finished but the service is Partly running ("
                                                         + now.running() + "/" + now.target()
                                                         + " containers running)");
                }
                return null;
            }

            String lastSeen() {
                return (lastState == null ? "nothing" : lastState)
                       + (lastAction == null ? "" : ", action " + lastAction.label());
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
                if (!now.stateLabel().equals(lastState)) {
                    lastState = now.stateLabel();
                    listener.stateChanged(target, null, lastState);
                }
            }
        }

        /**
         * What a container redeploy has shown so far. The platform may hand back a new container object with the
         * same name, so the replacement is tracked by name, and counts only once it is demonstrably new: another
         * id, or the redeploy's action finished.
         */
        private final class ContainerWatch {

            private final Target target;
            private final Service service;
            private final Container old;
            private final Redeployment redeployment;
            private Action action;
            private Container replacement;
            private String lastState;
            private ActionState lastAction;

            ContainerWatch(Target target, Service service, Container old, Redeployment redeployment) {
                this.target = target;
                this.service = service;
                this.old = old;
                this.redeployment = redeployment;
            }

            Step look(Instant requested, Cue cue) {
                ActionState before = action == null ? null : action.state();
                if (redeployment.hasAction() && cue.about(redeployment.actionId())) {
                    action = platform.action(redeployment.actionId());
                }
                boolean actionMoved = action != null && action.state() != before;
                // The containers show a change only when the service (whose state moves with them), the old
                // container or the action announced one.
                if (!cue.about(service.id()) && !cue.about(old.id()) && !actionMoved) {
                    return null;
                }
                if (action != null && action.state() != lastAction) {
                    lastAction = action.state();
                    listener.detail(target, old.name() + ": action " + action.stateLabel());
                }
                if (action != null && (action.state() == ActionState.FAILED
                                       || action.state() == ActionState.CANCELED)) {
                    return fail(target, old, requested, "the redeploy action ended " + action.stateLabel());
                }
                List<Container> namesakes = platform.containers(service).stream()
                        .filter(c -> c.name().equals(old.name()) && c.state() != ContainerState.TERMINATED)
                        .toList();
                Container current = namesakes.stream().filter(c -> !c.id().equals(old.id())).findFirst()
                        .orElse(namesakes.isEmpty() ? null : namesakes.get(0));
                if (current != null && !(current.id() + current.stateLabel()).equals(lastState)) {
                    lastState = current.id() + current.stateLabel();
                    listener.stateChanged(target, current, current.stateLabel());
                }
                boolean actionDone = action != null && action.state() == ActionState.SUCCESS;
                boolean isNew = current != null && (!current.id().equals(old.id()) || actionDone);
                if (!isNew) {
                    return null;
                }
                replacement = current;
                if (current.state() == ContainerState.STOPPED) {
                    return fail(target, current, requested, "the new container stopped");
                }
                if (current.state() != ContainerState.RUNNING || (action != null && !actionDone)) {
                    return null;
                }
                Service now = service(target);
                if (now == null) {
                    return fail(target, current, requested, "the service disappeared during the redeploy");
                }
                return now.isFullyRunning() ? new Step(ServiceOutcome.REDEPLOYED, since(requested), null) : null;
            }

            String lastSeen() {
                return (replacement == null ? old.name() + " not yet replaced" : replacement.name() + " "
                                                                                 + replacement.stateLabel())
                       + (lastAction == null ? "" : ", action " + lastAction.label());
            }
        }
    }

    private static Duration shortest(Duration a, Duration b) {
        Duration shorter = a.compareTo(b) <= 0 ? a : b;
        return shorter.isNegative() ? Duration.ZERO : shorter;
    }
}
