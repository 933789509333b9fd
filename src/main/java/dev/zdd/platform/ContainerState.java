package dev.zdd.platform;

import java.util.Locale;

/** A container's (or Swarm task's) state, with Tutum's names as the common vocabulary. */
public enum ContainerState {
    STARTING("Starting"),
    RUNNING("Running"),
    STOPPING("Stopping"),
    STOPPED("Stopped"),
    TERMINATING("Terminating"),
    TERMINATED("Terminated"),
    UNKNOWN("Unknown");

    private final String label;

    ContainerState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ContainerState parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (ContainerState state : values()) {
            if (state != UNKNOWN && state.label.toLowerCase(Locale.ROOT).equals(wanted)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
