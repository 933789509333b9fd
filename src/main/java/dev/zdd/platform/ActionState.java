package dev.zdd.platform;

import java.util.Locale;

/** The state of the asynchronous action a redeploy started (Tutum and Docker Cloud actions, a Swarm update). */
public enum ActionState {
    PENDING("Pending", false),
    IN_PROGRESS("In progress", false),
    CANCELING("Canceling", false),
    SUCCESS("Success", true),
    FAILED("Failed", true),
    CANCELED("Canceled", true),
    /** Unknown to this version of zdd: never treated as Success, never as finished. */
    UNKNOWN("Unknown", false);

    private final String label;
    private final boolean finished;

    ActionState(String label, boolean finished) {
        this.label = label;
        this.finished = finished;
    }

    public String label() {
        return label;
    }

    public boolean isFinished() {
        return finished;
    }

    public static ActionState parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (ActionState state : values()) {
            if (state != UNKNOWN && state.label.toLowerCase(Locale.ROOT).equals(wanted)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
