package dev.zdd.rollout;

/** A setting asks for a step the platform can't take, e.g. {@code --per-container} on Swarm: a usage error. */
public class UnsupportedStepException extends RuntimeException {

    private final String option;

    public UnsupportedStepException(String option, String platform, String why) {
        super(option + " does not apply to " + platform + (why == null ? "" : ": " + why));
        this.option = option;
    }

    /** The option that asked for it. */
    public String option() {
        return option;
    }
}
