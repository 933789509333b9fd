package dev.zdd.rollout;

import java.util.Locale;

/** How a whole rollout ended (the command line adds {@code downtime}, which only probes can tell). */
public enum RunOutcome {
    SUCCESS, FAILED, TIMED_OUT, REFUSED, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
