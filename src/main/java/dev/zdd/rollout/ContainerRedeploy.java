package dev.zdd.rollout;

/** Asks the platform to redeploy the step's container. */
final class ContainerRedeploy implements Phase {

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        step.redeployment = context.platform.redeploy(step.container(), context.settings.reuseVolumes());
        context.listener.redeploying(step.target(), step.container());
        return Progress.done();
    }
}
