package dev.zdd.rollout;

/** Asks the platform to redeploy the step's service, as the last reading before it saw it. */
final class ServiceRedeploy implements Phase {

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        step.redeployment = context.platform.redeploy(step.service, context.settings.reuseVolumes());
        context.listener.redeploying(step.target(), null);
        if (!step.redeployment.hasAction()) {
            context.listener.detail(step.target(), "the platform named no action for this redeploy; waiting for the"
                                                   + " service to leave " + step.service.stateLabel()
                                                   + " and come back");
        }
        return Progress.done();
    }
}
