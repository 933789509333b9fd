package dev.zdd.rollout;

import dev.zdd.platform.Changes;
import dev.zdd.platform.PlatformException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run: resolve every argument, check every target, then wave after wave: redeploy the wave's services at once,
 * watch each until back and ready, drain, go on. It stops after the first wave in which a service did not make it.
 */
final class Run {

    private final RunContext context;
    private final List<ServiceReport> done = new ArrayList<>();

    Run(RunContext context) {
        this.context = context;
    }

    RolloutReport execute(List<List<String>> waveArguments) {
        List<String> arguments = waveArguments.stream().flatMap(List::stream).toList();
        try {
            rejectRepeatedArguments(arguments);
            Preflight.requireCapabilities(context.platform, context.settings);
        } catch (DuplicateTargetException | UnsupportedStepException e) {
            return new RolloutReport(RunOutcome.REFUSED, notStarted(arguments), e);
        }
        // The announcements start to connect now, in the background, so that they flow by the first redeploy
        // rather than a handshake after it; a dry run redeploys nothing and listens to nothing.
        Changes opened = context.settings.dryRun() ? Changes.NONE : context.platform.changes();
        try (opened) {
            List<List<Target>> waves;
            Duration worstCase;
            try {
                if (context.runDeadline != null) {
                    context.boundPlatform(context.runDeadline);
                }
                waves = inWaves(new Resolver(context.platform).resolve(arguments), waveArguments);
                worstCase = new Preflight(context).check(waves);
                waves = new ImagePreflight(context).plan(waves);
                if (context.balancing.enabled()) {
                    context.lbAssignment = new LbPreflight(context).check(waves);
                }
            } catch (ResolutionException | DuplicateTargetException | PreflightException e) {
                return new RolloutReport(RunOutcome.REFUSED, notStarted(arguments), e);
            } catch (PlatformException e) {
                boolean interrupted = context.cancellation.isRequested();
                // The run's deadline passed while resolving or checking: a timeout, not a platform failure.
                RunOutcome outcome = interrupted ? RunOutcome.INTERRUPTED
                        : e.isDeadline() ? RunOutcome.TIMED_OUT : RunOutcome.FAILED;
                return new RolloutReport(outcome, notStarted(arguments), interrupted ? null : e);
            }
            context.listener.plan(new Plan(waves, context.settings.dryRun(), context.settings, worstCase,
                    context.lbAssignment.seen()));
            if (context.settings.dryRun()) {
                return finish(RunOutcome.SUCCESS, waves, 0, null);
            }
            RolloutReport report;
            try {
                context.changes = opened;
                report = rollAll(waves);
            } catch (RuntimeException e) {
                // The engine broke its promise not to throw: still set the load balancer straight, and say how it
                // ended.
                report = broken(waves, e);
            } finally {
                context.changes = Changes.NONE;
            }
            // Whatever ended the run, no server stays drained: the steps that ended early left theirs to this.
            return report.withLbRestored(context.steering.restoreAll());
        }
    }

    private RolloutReport broken(List<List<Target>> waves, RuntimeException e) {
        List<ServiceReport> services = new ArrayList<>(done);
        Set<String> reported = new HashSet<>();
        done.forEach(s -> reported.add(s.id()));
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        boolean started = true;
        for (List<Target> wave : waves) {
            boolean thisWave = started && wave.stream().anyMatch(t -> !reported.contains(t.id()));
            for (Target target : wave) {
                if (reported.contains(target.id())) {
                    continue;
                }
                services.add(thisWave ? report(target, ServiceOutcome.FAILED, Duration.ZERO, reason)
                        : report(target, ServiceOutcome.NOT_STARTED, Duration.ZERO, null));
            }
            if (thisWave) {
                started = false;
            }
        }
        return new RolloutReport(RunOutcome.FAILED, services, e);
    }

    private RolloutReport rollAll(List<List<Target>> waves) {
        Pause pause = new Pause(context);
        for (int w = 0; w < waves.size(); w++) {
            if (context.cancellation.isRequested()) {
                return finish(RunOutcome.INTERRUPTED, waves, w, null);
            }
            List<Target> wave = waves.get(w);
            // By id, unique in a run: a record's own equals is bootstrapped at its first call, dozens of classes
            // the JVM generates for one comparison in a short-lived run.
            Set<String> inWave = new HashSet<>();
            wave.forEach(t -> inWave.add(t.id()));
            List<Target> others = waves.stream().flatMap(List::stream).filter(t -> !inWave.contains(t.id()))
                    .toList();
            List<Roll> rolls = new ArrayList<>();
            for (Target target : wave) {
                rolls.add(new Roll(context, target, others, w == 0));
            }
            List<StepEnd> ends = new Wave(context, rolls, pause).run();
            RunOutcome stopped = null;
            RuntimeException cause = null;
            for (int i = 0; i < wave.size(); i++) {
                StepEnd end = ends.get(i);
                done.add(report(wave.get(i), end.outcome(), end.took(), end.reason()));
                if (!end.succeeded()) {
                    stopped = worse(stopped, end.outcome());
                    cause = cause == null ? end.cause() : cause;
                }
            }
            if (stopped != null) {
                return finish(stopped, waves, w + 1, cause);
            }
            if (w < waves.size() - 1) {
                RunOutcome drained = drain(wave);
                if (drained != null) {
                    return finish(drained, waves, w + 1, null);
                }
            }
        }
        return settled(waves);
    }

    /** The run's end once every wave made it: each redeploy the platform still watched must settle first. */
    private RolloutReport settled(List<List<Target>> waves) {
        Map<String, StepEnd> unsettled;
        try {
            unsettled = new Settle(context).await(waves.stream().flatMap(List::stream).toList());
        } catch (InterruptedException e) {
            unsettled = null;
        } catch (PlatformException e) {
            if (context.cancellation.isRequested()) {
                unsettled = null;
            } else {
                return finish(RunOutcome.FAILED, waves, waves.size(), e);
            }
        }
        if (unsettled == null) {
            return finish(RunOutcome.INTERRUPTED, waves, waves.size(), null);
        }
        RunOutcome outcome = null;
        for (int i = 0; i < done.size(); i++) {
            ServiceReport report = done.get(i);
            StepEnd end = unsettled.get(report.id());
            if (end != null) {
                done.set(i, new ServiceReport(report.name(), report.id(), end.outcome(), report.took(), end.reason(),
                        report.imageBefore(), report.image()));
                outcome = worse(outcome, end.outcome());
            }
        }
        return finish(outcome == null ? RunOutcome.SUCCESS : outcome, waves, waves.size(), null);
    }

    /** How a run ends when one of a wave's services did not make it: an interrupt says most, then a failure. */
    private RunOutcome worse(RunOutcome so, ServiceOutcome failed) {
        RunOutcome now = switch (failed) {
            case TIMED_OUT -> RunOutcome.TIMED_OUT;
            case INTERRUPTED -> RunOutcome.INTERRUPTED;
            default -> RunOutcome.FAILED;
        };
        if (so == null || now == RunOutcome.INTERRUPTED) {
            return now;
        }
        return so == RunOutcome.INTERRUPTED || so == RunOutcome.FAILED ? so : now;
    }

    /** Waits the drain delay after a wave; returns how the run ends when it can't go on, or null to go on. */
    private RunOutcome drain(List<Target> wave) {
        Duration delay = context.settings.drainDelay();
        if (delay.isZero()) {
            return null;
        }
        wave.forEach(t -> context.listener.draining(t, delay));
        Duration left = context.runDeadline == null ? delay : Duration.between(context.now(), context.runDeadline);
        try {
            context.sleeper.sleep(RunContext.shortest(delay, left));
        } catch (InterruptedException e) {
            return RunOutcome.INTERRUPTED;
        }
        if (context.cancellation.isRequested()) {
            return RunOutcome.INTERRUPTED;
        }
        if (left.compareTo(delay) < 0) {
            context.listener.detail(wave.get(wave.size() - 1), "the run's deadline passed during the drain delay");
            return RunOutcome.TIMED_OUT;
        }
        return null;
    }

    /** The resolved targets, in the order given, cut into the waves the arguments formed. */
    private static List<List<Target>> inWaves(List<Target> targets, List<List<String>> waveArguments) {
        List<List<Target>> waves = new ArrayList<>();
        int next = 0;
        for (List<String> wave : waveArguments) {
            waves.add(List.copyOf(targets.subList(next, next + wave.size())));
            next += wave.size();
        }
        return waves;
    }

    private static void rejectRepeatedArguments(List<String> arguments) {
        Set<String> seen = new HashSet<>();
        for (String argument : arguments) {
            if (!seen.add(argument)) {
                throw new DuplicateTargetException(argument, argument, null);
            }
        }
    }

    private RolloutReport finish(RunOutcome outcome, List<List<Target>> waves, int fromWave, RuntimeException cause) {
        List<ServiceReport> services = new ArrayList<>(done);
        waves.subList(fromWave, waves.size()).stream().flatMap(List::stream)
                .forEach(t -> services.add(report(t, ServiceOutcome.NOT_STARTED, Duration.ZERO, null)));
        return new RolloutReport(outcome, services, cause);
    }

    private static List<ServiceReport> notStarted(List<String> arguments) {
        return arguments.stream()
                .map(a -> new ServiceReport(a, null, ServiceOutcome.NOT_STARTED, Duration.ZERO, null))
                .toList();
    }

    private static ServiceReport report(Target target, ServiceOutcome outcome, Duration took, String reason) {
        // A service not started still has the image it had; any other was set to the planned one.
        String image = outcome == ServiceOutcome.NOT_STARTED ? target.image().before() : target.image().after();
        return new ServiceReport(target.label(), target.id(), outcome, took, reason, target.image().before(), image);
    }
}
