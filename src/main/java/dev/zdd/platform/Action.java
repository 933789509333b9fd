package dev.zdd.platform;

import java.util.Objects;

/**
 * The platform's record of an asynchronous operation, such as the one a redeploy starts.
 *
 * @param id         the action's identifier (for Tutum, its resource URI)
 * @param state      its state
 * @param stateLabel the state as the platform spelled it
 * @param objectId   the id of the object it acts on, when known
 * @param name       what it does, e.g. {@code Service Redeploy}, when known
 * @param settling   a Success that the platform still watches and may yet undo: its new containers all run, but it
 *                   keeps an eye on them for a while before it calls the operation done (Swarm's update monitor
 *                   period, {@code UpdateConfig.Monitor}); a rollout may go on, and must see it settle before it ends
 */
public record Action(String id, ActionState state, String stateLabel, String objectId, String name,
                     boolean settling) {

    public Action {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        stateLabel = stateLabel == null ? state.label() : stateLabel;
        settling = settling && state == ActionState.SUCCESS;
    }

    /** An action whose state is final as it reads. */
    public Action(String id, ActionState state, String stateLabel, String objectId, String name) {
        this(id, state, stateLabel, objectId, name, false);
    }

    public Action(String id, ActionState state) {
        this(id, state, state.label(), null, null);
    }
}
