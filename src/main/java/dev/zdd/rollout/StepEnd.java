package dev.zdd.rollout;

import java.time.Duration;

/**
 * How one step (a service, or one of its containers) ended.
 *
 * @param outcome what happened
 * @param took    from the step's start to its end
 * @param reason  why it did not succeed, or null
 * @param cause   the failure that broke it, when one did (a platform error, a bug), else null
 */
record StepEnd(ServiceOutcome outcome, Duration took, String reason, RuntimeException cause) {

    static StepEnd redeployed(Duration took) {
        return new StepEnd(ServiceOutcome.REDEPLOYED, took, null, null);
    }

    static StepEnd failed(Duration took, String reason) {
        return new StepEnd(ServiceOutcome.FAILED, took, reason, null);
    }

    static StepEnd timedOut(Duration took, String reason) {
        return new StepEnd(ServiceOutcome.TIMED_OUT, took, reason, null);
    }

    static StepEnd interrupted(Duration took) {
        return new StepEnd(ServiceOutcome.INTERRUPTED, took, "interrupted", null);
    }

    boolean succeeded() {
        return outcome == ServiceOutcome.REDEPLOYED;
    }

    StepEnd took(Duration value) {
        return new StepEnd(outcome, value, reason, cause);
    }

    StepEnd because(String prefix) {
        return new StepEnd(outcome, took, reason == null ? null : prefix + reason, cause);
    }
}
