package dev.zdd.rollout;

import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.time.Durations;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every part of one run shares: the platform, time, the settings, the listener, the stop request and the run's
 * deadline, with the few readings that several steps take the same way.
 */
final class RunContext {

    final Platform platform;
    final Clock clock;
    final Sleeper sleeper;
    final ReadinessCheck readinessCheck;
    final RolloutSettings settings;
    final RolloutListener listener;
    final Cancellation cancellation;
    /** When the whole run must end ({@code --deadline}), or null for no limit. */
    final Instant runDeadline;
    /** The platform's announcements while redeploying; none during preflight or a dry run. */
    Changes changes = Changes.NONE;
    /**
     * By target id, the action of each redeploy that was back while the platform still watched it (see
     * {@link dev.zdd.platform.Action#settling()}): the run waits for them to settle before it ends well.
     */
    final Map<String, String> settling = new LinkedHashMap<>();
    /** The load balancers that pace the run ({@code --lb}), or none. */
    final LoadBalancing balancing;
    /** The servers this run has drained and not yet set ready. */
    final Steering steering = new Steering();
    /** Each target's load balancer servers, once the preflight found them. */
    LbAssignment lbAssignment = LbAssignment.NONE;

    RunContext(Platform platform, Clock clock, Sleeper sleeper, ReadinessCheck readinessCheck,
               RolloutSettings settings, RolloutListener listener, Cancellation cancellation) {
        this(platform, clock, sleeper, readinessCheck, settings, listener, cancellation, LoadBalancing.NONE);
    }

    RunContext(Platform platform, Clock clock, Sleeper sleeper, ReadinessCheck readinessCheck,
               RolloutSettings settings, RolloutListener listener, Cancellation cancellation,
               LoadBalancing balancing) {
        this.balancing = balancing;
        this.platform = platform;
        this.clock = clock;
        this.sleeper = sleeper;
        this.readinessCheck = readinessCheck;
        this.settings = settings;
        this.listener = listener;
        this.cancellation = cancellation;
        this.runDeadline = settings.deadline() == null ? null : clock.instant().plus(settings.deadline());
    }

    Instant now() {
        return clock.instant();
    }

    Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }

    /** A step's deadline: its own {@code --timeout} from {@code started}, or the run's deadline if sooner. */
    Instant stepDeadline(Instant started) {
        Instant own = started.plus(settings.timeout());
        return runDeadline == null || own.isBefore(runDeadline) ? own : runDeadline;
    }

    /** Bounds the platform's own retries (and, from now on, its requests) by {@code deadline}. */
    void boundPlatform(Instant deadline) {
        platform.callsUntil(deadline);
    }

    /** Which limit a step hit, in the user's words. */
    String limitReached(Instant stepDeadline) {
        return runDeadline != null && runDeadline.equals(stepDeadline)
                ? "the run's deadline (--deadline " + Durations.setting(settings.deadline()) + ") passed"
                : "not back within --timeout " + Durations.setting(settings.timeout());
    }

    /** The service now, or null when it is gone (which the caller reports as a failure). */
    Service serviceOrNull(String id) {
        try {
            return platform.service(id);
        } catch (PlatformException e) {
            if (e.isNotFound()) {
                return null;
            }
            throw e;
        }
    }

    /** A service's live containers in a stable order: by name. */
    List<Container> containersOf(Service service) {
        return platform.containers(service).stream()
                .filter(c -> c.state() != ContainerState.TERMINATED)
                .sorted(Comparator.comparing(Container::name))
                .toList();
    }

    /** The {@code --ready-path} URLs of one container: each published HTTP endpoint + the path. */
    List<URI> readyUrls(Container container) {
        String path = settings.readiness().path();
        String suffix = path.startsWith("/") ? path.substring(1) : path;
        return container.httpEndpoints().stream()
                .map(e -> URI.create(e.toString().endsWith("/") ? e + suffix : e + "/" + suffix))
                .toList();
    }

    /** Why a service may not be redeployed now, or null when it may (its own state only). */
    static String notReadyToRedeploy(Service service) {
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

    static Duration shortest(Duration a, Duration b) {
        return nonNegative(a.compareTo(b) <= 0 ? a : b);
    }

    static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
