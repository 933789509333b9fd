package dev.zdd.rollout;

import java.time.Duration;

/**
 * One target's line in the summary.
 *
 * @param name        the label the user knows it by
 * @param id          its id, or null when it never resolved
 * @param outcome     what happened
 * @param took        from its redeploy request to back and ready (or to the failure); zero when not started
 * @param reason      why it failed, or null
 * @param imageBefore the image it was defined with before the run, or null when unknown
 * @param image       the image the run rolled it to; for a service not started, the one it still has; null when
 *                    unknown
 */
public record ServiceReport(String name, String id, ServiceOutcome outcome, Duration took, String reason,
                            String imageBefore, String image) {

    public ServiceReport(String name, String id, ServiceOutcome outcome, Duration took, String reason) {
        this(name, id, outcome, took, reason, null, null);
    }
}
