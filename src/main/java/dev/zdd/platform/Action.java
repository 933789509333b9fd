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
 */
public record Action(String id, ActionState state, String stateLabel, String objectId, String name) {

    public Action {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        stateLabel = stateLabel == null ? state.label() : stateLabel;
    }

    public Action(String id, ActionState state) {
        this(id, state, state.label(), null, null);
    }
}
