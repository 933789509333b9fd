package dev.zdd.rollout;

import dev.zdd.platform.Platform;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the user's arguments into live services, from one listing of the platform.
 *
 * <p>An argument is a full id, an exact name, or {@code name.stack}. It is never a prefix of an id: Tutum's own
 * CLI tried UUID prefixes first, so a name such as {@code cafe} could silently hit another service. Terminated
 * services are never candidates (the list API keeps "recently terminated" ones, which made names look ambiguous).
 */
final class Resolver {

    private final Platform platform;

    Resolver(Platform platform) {
        this.platform = platform;
    }

    /** Resolves every argument or throws: ResolutionException first, then DuplicateTargetException. */
    List<Target> resolve(List<String> arguments) {
        List<Service> live = platform.services().stream()
                .filter(s -> s.state() != ServiceState.TERMINATED)
                .toList();
        List<Target> targets = new ArrayList<>();
        List<ResolutionException.Unresolved> unresolved = new ArrayList<>();
        for (String argument : arguments) {
            List<Service> candidates = candidates(argument, live);
            if (candidates.size() == 1) {
                targets.add(new Target(argument, candidates.get(0)));
            } else {
                unresolved.add(new ResolutionException.Unresolved(argument, candidates));
            }
        }
        if (!unresolved.isEmpty()) {
            throw new ResolutionException(unresolved);
        }
        Map<String, Target> byId = new HashMap<>();
        for (Target target : targets) {
            Target earlier = byId.putIfAbsent(target.id(), target);
            if (earlier != null) {
                throw new DuplicateTargetException(earlier.argument(), target.argument(), target.id());
            }
        }
        return targets;
    }

    /** The live services an argument names: by full id, else by exact name, else as {@code name.stack}. */
    static List<Service> candidates(String argument, List<Service> live) {
        List<Service> byId = live.stream().filter(s -> s.id().equalsIgnoreCase(argument)).toList();
        if (!byId.isEmpty()) {
            return byId;
        }
        List<Service> byName = live.stream().filter(s -> s.name().equals(argument)).toList();
        if (!byName.isEmpty()) {
            return byName;
        }
        List<Service> byNameAndStack = new ArrayList<>();
        for (int dot = argument.indexOf('.'); dot > 0; dot = argument.indexOf('.', dot + 1)) {
            String name = argument.substring(0, dot);
            String stack = argument.substring(dot + 1);
            live.stream()
                    .filter(s -> s.name().equals(name) && stack.equals(s.stack()))
                    .forEach(byNameAndStack::add);
        }
        return byNameAndStack;
    }
}
