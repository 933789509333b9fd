package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.PlatformException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end of a run that went well: every redeploy whose Success the platform still watched when zdd saw the service
 * back (Swarm's update monitor period) must settle as Success before zdd says so. The rollout went on meanwhile,
 * since nothing of such a redeploy is left to take a container down; but the platform may still undo it (Swarm
 * pauses or rolls an update back when a new task fails within the period), and zdd never ends well after that.
 * Bounded by the step's {@code --timeout} from now and by the run's deadline.
 */
final class Settle {

    private final RunContext context;

    Settle(RunContext context) {
        this.context = context;
    }

    /**
     * Waits until every watched redeploy of {@code targets} has settled; returns, by target id, how each that did not
     * settle as Success ended (empty when all did). Null when interrupted.
     */
    Map<String, StepEnd> await(List<Target> targets) throws InterruptedException {
        Map<String, StepEnd> failures = new LinkedHashMap<>();
        Map<Target, String> watched = new LinkedHashMap<>();
        for (Target target : targets) {
            String action = context.settling.get(target.id());
            if (action != null) {
                watched.put(target, action);
                context.listener.detail(target, "back and ready; the platform still watches its update (Swarm's"
                                                + " UpdateConfig.Monitor): waiting for it to complete before the end");
            }
        }
        Instant deadline = context.stepDeadline(context.now());
        if (!watched.isEmpty()) {
            context.boundPlatform(deadline);
        }
        while (!watched.isEmpty()) {
            for (Map.Entry<Target, String> entry : List.copyOf(watched.entrySet())) {
                Target target = entry.getKey();
                Action now;
                try {
                    now = context.platform.action(entry.getValue());
                } catch (PlatformException e) {
                    if (!e.isDeadline() || context.cancellation.isRequested()) {
                        throw e;
                    }
                    // The platform refuses calls once the limit has passed: that is the timeout below.
                    timedOut(watched.keySet(), deadline, failures);
                    return failures;
                }
                if (now.state() == ActionState.SUCCESS && !now.settling()) {
                    watched.remove(target);
                    context.listener.detail(target, "update completed");
                } else if (now.state() == ActionState.CANCELED) {
                    // Another update replaced it after it was back: nothing of zdd's is left to watch.
                    watched.remove(target);
                    context.listener.detail(target, "its update was replaced by a later one: " + now.stateLabel());
                } else if (now.state() == ActionState.FAILED) {
                    watched.remove(target);
                    String why = "after it was back, the platform undid its redeploy: " + now.stateLabel();
                    context.listener.failed(target, why);
                    failures.put(target.id(), StepEnd.failed(Duration.ZERO, why));
                }
            }
            if (watched.isEmpty()) {
                break;
            }
            if (context.cancellation.isRequested()) {
                return null;
            }
            Duration left = Duration.between(context.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                timedOut(watched.keySet(), deadline, failures);
                break;
            }
            Duration wait = RunContext.shortest(context.settings.pollInterval(), left);
            if (context.changes.live()) {
                Set<String> ids = Set.copyOf(watched.values());
                context.changes.awaitChange(ids, wait);
            } else {
                context.sleeper.sleep(wait);
            }
            if (context.cancellation.isRequested()) {
                return null;
            }
        }
        return failures;
    }

    private void timedOut(Set<Target> targets, Instant deadline, Map<String, StepEnd> failures) {
        for (Target target : targets) {
            String why = "its update had not completed: " + context.limitReached(deadline);
            context.listener.failed(target, why);
            failures.put(target.id(), StepEnd.timedOut(Duration.ZERO, why));
        }
    }
}
