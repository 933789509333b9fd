package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.time.Duration;
import java.util.List;

/**
 * What a rollout reports while it runs; the command line renders these as text or NDJSON. Every method has an
 * empty default so a listener only says what it cares about. {@code container} is null for service-level steps.
 */
public interface RolloutListener {

    /** Every target resolved and checked: the waves and the order the rollout will follow. */
    default void plan(Plan plan) {
    }

    /** The redeploy of a service (or one of its containers) was requested. */
    default void redeploying(Target target, Container container) {
    }

    /** A state seen for the first time since the last one (the service's, the action's or the container's). */
    default void stateChanged(Target target, Container container, String state) {
    }

    /** The service (or container) is back and ready, this long after its redeploy was requested. */
    default void ready(Target target, Container container, Duration sinceRedeploy) {
    }

    /** The drain delay starts (after a wave: for each of its services). */
    default void draining(Target target, Duration delay) {
    }

    /**
     * With {@code --lb}: the step's servers are being taken out of rotation ({@code backend/server} each), before its
     * redeploy.
     */
    default void lbDraining(Target target, Container container, List<String> servers) {
    }

    /**
     * With {@code --lb}: the drain is over, {@code took} after it began: the servers' sessions reached 0, or
     * {@code --lb-drain-timeout} passed first ({@code timedOut}) with {@code sessionsLeft} still open; zdd goes on.
     *
     * @param sessions the sessions open when the drain began
     */
    default void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                           int sessionsLeft) {
    }

    /** With {@code --lb}: the load balancer reports every server of the step UP, {@code took} after zdd set them ready. */
    default void lbUp(Target target, Container container, Duration took) {
    }

    /** The service failed or timed out; the rollout stops here. */
    default void failed(Target target, String reason) {
    }

    /** A diagnostic line for {@code -v}: what was seen, why the tool is waiting. */
    default void detail(Target target, String message) {
    }
}
