package dev.zdd.rollout;

import java.util.List;
import java.util.stream.Collectors;

/** A target is not fully Running, or is busy: nothing was redeployed. */
public class PreflightException extends RuntimeException {

    /** A target and why it may not be redeployed now. */
    public record Refusal(Target target, String why) {
    }

    private final List<Refusal> refusals;

    public PreflightException(List<Refusal> refusals) {
        super(refusals.stream().map(r -> r.target().label() + ": " + r.why())
                .collect(Collectors.joining("; ")));
        this.refusals = List.copyOf(refusals);
    }

    /** A refusal that concerns no one target (e.g. a load balancer that can't be read). */
    protected PreflightException(String message) {
        super(message);
        this.refusals = List.of();
    }

    public List<Refusal> refusals() {
        return refusals;
    }
}
