package dev.zdd.rollout;

import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.RedeployRequest;

/**
 * Asks the platform to redeploy the step's container. The first container of a service sets the service's image
 * first, when the preflight planned a new one: the containers after it are redeployed from the same definition.
 */
final class ContainerRedeploy implements Phase {

    private final boolean first;

    /** @param first this is the service's first container of the run, which sets the planned image */
    ContainerRedeploy(boolean first) {
        this.first = first;
    }

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        ImagePlan image = first ? step.target().image() : null;
        step.redeployRequested();
        step.redeployment = context.platform.redeploy(step.container(),
                new RedeployRequest(context.settings.reuseVolumes(), image));
        context.listener.redeploying(step.target(), step.container());
        return Progress.done();
    }
}
