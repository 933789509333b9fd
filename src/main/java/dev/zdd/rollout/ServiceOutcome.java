package dev.zdd.rollout;

import java.util.Locale;

/** What happened to one target. */
public enum ServiceOutcome {
    REDEPLOYED, FAILED, TIMED_OUT, NOT_STARTED, INTERRUPTED;

    /** The contract's spelling: {@code redeployed}, {@code timed_out}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
