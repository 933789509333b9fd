package dev.zdd.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Before the redeploy: takes the step's servers out of rotation in the load balancer ({@code drain}: no new
 * requests, those under way finish), then looks until their sessions are 0, so that stopping the containers cuts
 * no request. At most {@code --lb-drain-timeout}: then zdd goes on and says so. A load balancer that fails three
 * looks in a row fails the step before anything is redeployed.
 */
final class LbDrain implements Phase {

    /** Failed orders or looks in a row that end the step: one may be a blip, three are a load balancer gone. */
    static final int MAX_FAILURES = 3;

    private final List<LbRef> servers;
    private final Set<LbRef> ordered = new HashSet<>();
    private Instant started;
    private Instant until;
    private int sessionsAtStart = -1;
    private int sessionsLeft;
    private int failures;

    LbDrain(List<LbRef> servers) {
        this.servers = List.copyOf(servers);
    }

    /** The servers this step drains, which {@link LbUp} sets ready again. */
    List<LbRef> servers() {
        return servers;
    }

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        if (started == null) {
            started = context.now();
            until = started.plus(context.balancing.drainTimeout());
            context.listener.lbDraining(step.target(), step.container(), servers.stream().map(LbRef::id).toList());
        }
        try {
            for (LbRef server : servers) {
                if (!ordered.contains(server)) {
                    context.steering.drain(server);
                    ordered.add(server);
                }
            }
            Map<LbRef, LoadBalancer.Server> now = Steering.look(servers);
            failures = 0;
            sessionsLeft = now.values().stream().mapToInt(LoadBalancer.Server::sessions).sum();
            if (sessionsAtStart < 0) {
                sessionsAtStart = sessionsLeft;
            }
            Duration took = context.since(started);
            if (sessionsLeft == 0) {
                context.listener.lbDrained(step.target(), step.container(), took, sessionsAtStart, false, 0);
                return Progress.done();
            }
            if (!context.now().isBefore(until)) {
                context.listener.lbDrained(step.target(), step.container(), took, sessionsAtStart, true,
                        sessionsLeft);
                return Progress.done();
            }
        } catch (LoadBalancerException e) {
            if (context.cancellation.isRequested()) {
                return Progress.end(StepEnd.interrupted(step.took())); // the stop request broke the look off
            }
            if (++failures >= MAX_FAILURES) {
                return Progress.end(step.fail("not redeployed: the load balancer failed while draining: "
                                              + e.getMessage()));
            }
            context.listener.detail(step.target(), "the load balancer failed (" + e.getMessage() + "); trying"
                                                   + " again");
        }
        Instant next = context.now().plus(LoadBalancing.LOOK_INTERVAL);
        return Progress.until(next.isAfter(until) && context.now().isBefore(until) ? until : next);
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        String why = "not redeployed: " + limit + " while draining in the load balancer (" + sessionsLeft
                     + " sessions left)";
        step.context().listener.failed(step.target(), why);
        return StepEnd.timedOut(step.took(), why);
    }
}
