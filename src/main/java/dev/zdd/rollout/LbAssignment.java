package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which load balancer servers each target's steps drain, as the preflight found them: a service step drains all
 * of its service's, a container step (with {@code --per-container}) only its container's.
 */
final class LbAssignment {

    static final LbAssignment NONE = new LbAssignment();

    /** Each target's servers, by target id. */
    private final Map<String, List<LbRef>> byTarget = new LinkedHashMap<>();
    /** With {@code --per-container}: each container's servers, by target id, then container name. */
    private final Map<String, Map<String, List<LbRef>>> byContainer = new LinkedHashMap<>();
    /** Targets whose servers were found by address or name rather than named by {@code --lb-server}. */
    private final Map<String, Boolean> automatic = new LinkedHashMap<>();
    /** What each target's servers looked like at the preflight, for the plan. */
    private final Map<String, List<Plan.LbEntry>> seen = new LinkedHashMap<>();

    void add(Target target, List<LbRef> servers, Map<String, List<LbRef>> perContainer, boolean found,
             List<Plan.LbEntry> entries) {
        byTarget.put(target.id(), List.copyOf(servers));
        byContainer.put(target.id(), perContainer);
        automatic.put(target.id(), found);
        seen.put(target.id(), List.copyOf(entries));
    }

    /** The servers a step drains: the service's, or with a container only that container's. */
    List<LbRef> of(Target target, Container container) {
        if (container == null) {
            return byTarget.getOrDefault(target.id(), List.of());
        }
        return byContainer.getOrDefault(target.id(), Map.of()).getOrDefault(container.name(), List.of());
    }

    /** Whether the target's servers were found by address or name, so that new ones may be found the same way. */
    boolean automatic(Target target) {
        return automatic.getOrDefault(target.id(), false);
    }

    Map<String, List<Plan.LbEntry>> seen() {
        return new LinkedHashMap<>(seen);
    }

    static List<LbRef> all(Map<String, List<LbRef>> perContainer) {
        List<LbRef> all = new ArrayList<>();
        perContainer.values().forEach(all::addAll);
        return all;
    }
}
