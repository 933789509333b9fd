package dev.zdd.rollout;

import dev.zdd.platform.RedeployRequest;

/**
 * Asks the platform to redeploy the step's service, as the last reading before it saw it, rolling out the image the
 * preflight planned: set only now, just before this service's own redeploy, so that the others serve the old one
 * until their turn.
 */
final class ServiceRedeploy implements Phase {

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        step.redeployRequested();
        step.redeployment = context.platform.redeploy(step.service,
                new RedeployRequest(context.settings.reuseVolumes(), step.target().image()));
        context.listener.redeploying(step.target(), null);
        if (!step.redeployment.hasAction()) {
            context.listener.detail(step.target(), "the platform named no action for this redeploy; waiting for the"
                                                   + " service to leave " + step.service.stateLabel()
                                                   + " and come back");
        }
        return Progress.done();
    }
}
