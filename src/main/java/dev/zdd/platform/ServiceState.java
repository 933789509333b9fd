package dev.zdd.platform;

import java.util.Locale;

/** A service's state as the platform reports it, with Tutum's names as the common vocabulary. */
public enum ServiceState {
    NOT_RUNNING("Not running", Kind.STEADY),
    STARTING("Starting", Kind.TRANSITIONAL),
    RUNNING("Running", Kind.STEADY),
    PARTLY_RUNNING("Partly running", Kind.STEADY),
    SCALING("Scaling", Kind.TRANSITIONAL),
    REDEPLOYING("Redeploying", Kind.TRANSITIONAL),
    STOPPING("Stopping", Kind.TRANSITIONAL),
    STOPPED("Stopped", Kind.STEADY),
    TERMINATING("Terminating", Kind.TRANSITIONAL),
    TERMINATED("Terminated", Kind.FINAL),
    /** A state string this version of zdd does not know; never treated as Running. */
    UNKNOWN("Unknown", Kind.TRANSITIONAL);

    public enum Kind { STEADY, TRANSITIONAL, FINAL }

    private final String label;
    private final Kind kind;

    ServiceState(String label, Kind kind) {
        this.label = label;
        this.kind = kind;
    }

    /** The platform's own spelling, e.g. {@code Partly running}. */
    public String label() {
        return label;
    }

    public boolean isTransitional() {
        return kind == Kind.TRANSITIONAL;
    }

    /**
     * Parses the platform's state string leniently: case and surrounding blanks are ignored, Tutum's pre-2015
     * {@code Init} means {@code Not running}, and anything else unknown becomes {@link #UNKNOWN}.
     */
    public static ServiceState parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("init")) {
            return NOT_RUNNING;
        }
        for (ServiceState state : values()) {
            if (state != UNKNOWN && state.label.toLowerCase(Locale.ROOT).equals(wanted)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
