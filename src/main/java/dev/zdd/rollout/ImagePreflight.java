package dev.zdd.rollout;

import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.ImageUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans every target's image before anything is touched: what it runs now, and what its redeploy will roll out
 * (a tag resolved to the registry's current digest where the platform resolves). Asks the platform once per
 * target, in rollout order, with read-only calls, so that a dry run shows it too; refuses the run, naming every
 * target whose image can't be had and the registry's reason.
 */
final class ImagePreflight {

    private final RunContext context;

    ImagePreflight(RunContext context) {
        this.context = context;
    }

    /** The waves with each target's image planned; throws {@link ImageRefusedException} when one can't be. */
    List<List<Target>> plan(List<List<Target>> waves) {
        ImageRequest request = context.settings.images();
        List<PreflightException.Refusal> refusals = new ArrayList<>();
        List<List<Target>> planned = new ArrayList<>();
        for (List<Target> wave : waves) {
            List<Target> targets = new ArrayList<>();
            for (Target target : wave) {
                ImagePlan plan = ImagePlan.UNKNOWN;
                try {
                    plan = context.platform.image(target.service(), request);
                } catch (ImageUnavailableException e) {
                    refusals.add(new PreflightException.Refusal(target, "image " + e.image() + ": "
                                                                        + e.getMessage()));
                }
                targets.add(target.withImage(plan));
            }
            planned.add(List.copyOf(targets));
        }
        if (!refusals.isEmpty()) {
            throw new ImageRefusedException(refusals);
        }
        return planned;
    }
}
