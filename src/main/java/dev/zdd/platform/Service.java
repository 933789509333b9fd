package dev.zdd.platform;

import java.util.List;
import java.util.Objects;

/**
 * One service as the platform reports it at one moment.
 *
 * @param id           the platform's identifier (a Tutum UUID, a Swarm service ID)
 * @param name         the service's name
 * @param stack        the name of its stack, or null when it belongs to none
 * @param state        its state
 * @param stateLabel   the state as the platform spelled it (shown to users, so an unknown state stays readable)
 * @param running      containers (tasks) running now
 * @param target       containers (tasks) it should run
 * @param containerIds the identifiers of its current containers, to see that a redeploy replaced them
 */
public record Service(String id, String name, String stack, ServiceState state, String stateLabel,
                      int running, int target, List<String> containerIds) {

    public Service {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        stateLabel = stateLabel == null ? state.label() : stateLabel;
        containerIds = containerIds == null ? List.of() : List.copyOf(containerIds);
    }

    public Service(String id, String name, String stack, ServiceState state, int running, int target) {
        this(id, name, stack, state, state.label(), running, target, List.of());
    }

    /** Running with every target container running: the only state a rollout may start from or end in. */
    public boolean isFullyRunning() {
        return state == ServiceState.RUNNING && running == target;
    }

    public Service withState(ServiceState newState, int newRunning) {
        return new Service(id, name, stack, newState, newState.label(), newRunning, target, containerIds);
    }

    public Service withContainerIds(List<String> ids) {
        return new Service(id, name, stack, state, stateLabel, running, target, ids);
    }
}
