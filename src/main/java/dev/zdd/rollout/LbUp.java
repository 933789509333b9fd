package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * After the readiness gate: sets the servers the step drained ready again, then looks until the load balancer
 * reports every one of them UP (its own health checks pass), within the step's deadline. Only then is the step
 * over, so the next one never takes a service down while this one is not yet back in rotation. When the servers
 * were found by address or name, a server the load balancer now has for the new containers (a reload renamed or
 * re-addressed them) must be UP too; a drained server that is gone needs nothing.
 */
final class LbUp implements Phase {

    private final LbDrain drain;
    private Set<LbRef> waitFor;
    private Instant since;
    private final Map<LbRef, String> last = new LinkedHashMap<>();
    private int failures;

    LbUp(LbDrain drain) {
        this.drain = drain;
    }

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        try {
            if (waitFor == null) {
                waitFor = setReady(step);
                if (waitFor.isEmpty()) {
                    return Progress.end(step.fail("none of its servers is in the load balancer any more, so zdd"
                                                  + " can't tell that it is back in rotation"));
                }
                since = context.now();
            }
            Map<LbRef, LoadBalancer.Server> now = Steering.look(waitFor);
            failures = 0;
            last.clear();
            for (LbRef server : waitFor) {
                LoadBalancer.Server seen = now.get(server);
                if (seen == null || !seen.isUp()) {
                    last.put(server, seen == null ? "gone" : seen.status()
                                                             + (seen.check() == null ? "" : " (" + seen.check() + ")"));
                }
            }
            if (last.isEmpty()) {
                context.listener.lbUp(step.target(), step.container(), context.since(since));
                return Progress.done();
            }
        } catch (LoadBalancerException e) {
            if (context.cancellation.isRequested()) {
                return Progress.end(StepEnd.interrupted(step.took())); // the stop request broke the look off
            }
            if (++failures >= LbDrain.MAX_FAILURES) {
                return Progress.end(step.fail("the load balancer failed while zdd waited for UP: "
                                              + e.getMessage()));
            }
            context.listener.detail(step.target(), "the load balancer failed (" + e.getMessage() + "); trying"
                                                   + " again");
        }
        Instant next = context.now().plus(LoadBalancing.LOOK_INTERVAL);
        return Progress.until(next.isAfter(step.deadline()) ? step.deadline() : next);
    }

    /** Sets the drained servers that are still there ready; returns every server that must now be UP. */
    private Set<LbRef> setReady(Step step) {
        RunContext context = step.context();
        Map<LoadBalancer, List<LoadBalancer.Server>> readings = Steering.read(drain.servers());
        Set<LbRef> present = new LinkedHashSet<>();
        readings.forEach((lb, servers) -> servers.forEach(s -> present.add(LbRef.of(lb, s))));
        Set<LbRef> wanted = new LinkedHashSet<>();
        for (LbRef server : drain.servers()) {
            if (!present.contains(server)) {
                context.steering.forget(server);
                context.listener.detail(step.target(), "server " + server + " is gone from the load balancer");
                continue;
            }
            if (context.steering.isDrained(server)) {
                context.steering.ready(server);
            }
            wanted.add(server);
        }
        if (context.lbAssignment.automatic(step.target())) {
            List<Container> replacements = replacements(step);
            readings.forEach((lb, servers) -> servers.stream()
                    .filter(s -> replacements.stream().anyMatch(c -> LbMatch.isContainers(s, c)))
                    .forEach(s -> wanted.add(LbRef.of(lb, s))));
        }
        return wanted;
    }

    /** The containers the step brought up, when the platform lists them. */
    private static List<Container> replacements(Step step) {
        RunContext context = step.context();
        if (step.container() != null) {
            return step.replacement == null ? List.of() : List.of(step.replacement);
        }
        return LbPreflight.listsContainers(context.platform) ? context.containersOf(step.service)
                : new ArrayList<>();
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        String why = "not UP in the load balancer: " + (last.isEmpty() ? "no answer yet"
                : last.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue())
                        .collect(Collectors.joining(", "))) + "; " + limit;
        step.context().listener.failed(step.target(), why);
        return StepEnd.timedOut(step.took(), why);
    }
}
