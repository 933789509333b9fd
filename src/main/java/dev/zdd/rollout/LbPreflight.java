package dev.zdd.rollout;

import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Before anything is touched: every load balancer can be read, every target has servers in them (named by
 * {@code --lb-server}, else found by address or name), no server is two targets' and, unless {@code --force}, none
 * is already out of rotation (someone drained it, or a run of zdd was killed before it could set it ready: zdd
 * would put it back into rotation at the end, which is not its call to make).
 */
final class LbPreflight {

    private final RunContext context;

    LbPreflight(RunContext context) {
        this.context = context;
    }

    LbAssignment check(List<List<Target>> waves) {
        LoadBalancing balancing = context.balancing;
        Map<LoadBalancer, List<LoadBalancer.Server>> readings = read(balancing.balancers());
        List<Target> targets = waves.stream().flatMap(List::stream).toList();
        List<PreflightException.Refusal> refusals = new ArrayList<>();
        List<String> unknownRules = balancing.rules().stream()
                .filter(rule -> targets.stream().noneMatch(t -> names(rule, t)))
                .map(rule -> "--lb-server " + rule + " names no service of this run").toList();
        if (!unknownRules.isEmpty()) {
            throw new LbPreflightException(String.join("; ", unknownRules));
        }
        LbAssignment assignment = new LbAssignment();
        Map<LbRef, Target> owners = new HashMap<>();
        for (Target target : targets) {
            String why = assign(target, readings, assignment);
            if (why == null) {
                for (LbRef ref : assignment.of(target, null)) {
                    Target other = owners.putIfAbsent(ref, target);
                    if (other != null) {
                        why = "server " + ref + " is also " + other.label() + "'s: zdd would drain it for both;"
                              + " name each service's servers with --lb-server";
                        break;
                    }
                }
            }
            if (why != null) {
                refusals.add(new PreflightException.Refusal(target, why));
            }
        }
        if (!refusals.isEmpty()) {
            throw new LbPreflightException(refusals);
        }
        return assignment;
    }

    /** Every load balancer's servers now; one that can't be read refuses the run. */
    private static Map<LoadBalancer, List<LoadBalancer.Server>> read(List<LoadBalancer> balancers) {
        Map<LoadBalancer, List<LoadBalancer.Server>> readings = new LinkedHashMap<>();
        for (LoadBalancer balancer : balancers) {
            try {
                readings.put(balancer, balancer.servers());
            } catch (LoadBalancerException e) {
                throw new LbPreflightException("the load balancer could not be read, so zdd can't drain"
                                               + " anything: " + e.getMessage());
            }
        }
        return readings;
    }

    /** Finds the target's servers and records them; returns why the target is refused, or null. */
    private String assign(Target target, Map<LoadBalancer, List<LoadBalancer.Server>> readings,
                          LbAssignment assignment) {
        List<LoadBalancing.ServerRule> rules = context.balancing.rules().stream().filter(r -> names(r, target))
                .toList();
        List<Container> containers = listsContainers(context.platform)
                ? context.containersOf(target.service()) : List.of();
        Map<LbRef, LoadBalancer.Server> chosen = new LinkedHashMap<>();
        Map<LbRef, String> where = new HashMap<>();
        readings.forEach((lb, servers) -> servers.forEach(server -> {
            boolean mine = rules.isEmpty()
                    ? containers.isEmpty() ? server.name().equals(target.service().name())
                    : containers.stream().anyMatch(c -> LbMatch.isContainers(server, c))
                    : rules.stream().anyMatch(r -> r.covers(server));
            if (mine) {
                chosen.put(LbRef.of(lb, server), server);
                where.put(LbRef.of(lb, server), lb.describe());
            }
        }));
        if (chosen.isEmpty()) {
            return "no server in the load balancer is its: " + lookedFor(target, rules, containers, readings);
        }
        for (LoadBalancing.ServerRule rule : rules) {
            if (chosen.values().stream().noneMatch(rule::covers)) {
                return "--lb-server " + rule + " matches no server in " + describe(readings) + " (backends: "
                       + readings.values().stream().map(LbMatch::backends).collect(Collectors.joining(", ")) + ")";
            }
        }
        Map<String, List<LbRef>> perContainer = new LinkedHashMap<>();
        if (context.settings.perContainer()) {
            for (Container container : containers) {
                List<LbRef> its = chosen.entrySet().stream()
                        .filter(e -> LbMatch.isContainers(e.getValue(), container)).map(Map.Entry::getKey).toList();
                if (its.isEmpty()) {
                    return "with --per-container each container needs its own servers, and none of "
                           + chosen.keySet().stream().map(LbRef::id).collect(Collectors.joining(", "))
                           + " is container " + container.name() + "'s: looked for " + LbMatch.lookedFor(container);
                }
                perContainer.put(container.name(), its);
            }
            List<LbRef> assigned = LbAssignment.all(perContainer);
            List<String> stray = chosen.keySet().stream().filter(r -> !assigned.contains(r)).map(LbRef::id).toList();
            if (!stray.isEmpty()) {
                return "with --per-container zdd must know which container each server is, and "
                       + String.join(", ", stray) + " matches none of " + target.label() + "'s containers by"
                       + " address or name";
            }
        }
        if (!context.settings.force()) {
            for (Map.Entry<LbRef, LoadBalancer.Server> entry : chosen.entrySet()) {
                if (entry.getValue().isTakenOut()) {
                    return "server " + entry.getKey() + " is " + entry.getValue().status() + ": someone took it out"
                           + " of rotation, and zdd would put it back at the end; set it ready first (e.g. echo"
                           + " 'set server " + entry.getKey().id() + " state ready' | socat stdio"
                           + " /path/to/admin.sock), or pass --force";
                }
            }
        }
        List<Plan.LbEntry> entries = chosen.entrySet().stream()
                .map(e -> new Plan.LbEntry(where.get(e.getKey()), e.getValue())).toList();
        assignment.add(target, List.copyOf(chosen.keySet()), perContainer, rules.isEmpty(), entries);
        return null;
    }

    private static String lookedFor(Target target, List<LoadBalancing.ServerRule> rules, List<Container> containers,
                                    Map<LoadBalancer, List<LoadBalancer.Server>> readings) {
        List<LoadBalancer.Server> all = readings.values().stream().flatMap(List::stream).toList();
        String what;
        if (!rules.isEmpty()) {
            what = rules.stream().map(r -> "--lb-server " + r).collect(Collectors.joining(", "));
        } else if (!containers.isEmpty()) {
            what = containers.stream().map(LbMatch::lookedFor).collect(Collectors.joining("; "));
        } else {
            what = "a server named " + target.service().name() + " (the platform lists no containers to match)";
        }
        String hint = rules.isEmpty() && !containers.isEmpty() && !all.isEmpty()
                      && all.stream().allMatch(s -> s.address() == null)
                ? " (it shows no server addresses: a stats page needs 'stats show-legends' for that)" : "";
        return "looked for " + what + " in " + describe(readings) + ", whose backends are "
               + (all.isEmpty() ? "none" : LbMatch.backends(all)) + hint
               + (rules.isEmpty() ? "; name its servers with --lb-server " + target.label() + "=BACKEND/SERVER" : "");
    }

    private static String describe(Map<LoadBalancer, List<LoadBalancer.Server>> readings) {
        return readings.keySet().stream().map(LoadBalancer::describe).collect(Collectors.joining(" and "));
    }

    /** Whether a rule's SERVICE is this target: the name typed, its label, its name or its id. */
    static boolean names(LoadBalancing.ServerRule rule, Target target) {
        String service = rule.service();
        return service.equals(target.argument()) || service.equals(target.label())
               || service.equals(target.service().name()) || service.equals(target.id());
    }

    /** Platforms whose containers have names and endpoints of their own (not Swarm's tasks). */
    static boolean listsContainers(Platform platform) {
        Platform.Capabilities can = platform.capabilities();
        return can.containerRedeploy() || can.containerEndpoints();
    }
}
