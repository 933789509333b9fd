package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import java.util.List;

/**
 * Watches a container redeploy until it is back. The platform may hand back a new container object with the same
 * name, so the replacement is tracked by name, and counts only once it is demonstrably new (another id, or the
 * redeploy's action finished) and Running, with the service fully Running.
 */
final class ContainerWatch implements Phase {

    private Action action;
    private String lastState;
    private ActionState lastAction;

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        Container old = step.container();
        Service service = step.service;
        Redeployment redeployment = step.redeployment;
        Progress again = Progress.poll(ServiceWatch.watched(redeployment, step.target().id(), old.id()));
        ActionState before = action == null ? null : action.state();
        if (redeployment.hasAction() && cue.about(redeployment.actionId())) {
            action = context.platform.action(redeployment.actionId());
        }
        boolean actionMoved = action != null && action.state() != before;
        // The containers show a change only when the service (whose state moves with them), the old container or
        // the action announced one.
        if (!cue.about(service.id()) && !cue.about(old.id()) && !actionMoved) {
            return again;
        }
        if (action != null && action.state() != lastAction) {
            lastAction = action.state();
            step.sawChange();
            context.listener.detail(step.target(), old.name() + ": action " + action.stateLabel());
        }
        if (action != null && (action.state() == ActionState.FAILED || action.state() == ActionState.CANCELED)) {
            return Progress.end(step.fail("the redeploy action ended " + action.stateLabel()));
        }
        List<Container> namesakes = context.platform.containers(service).stream()
                .filter(c -> c.name().equals(old.name()) && c.state() != ContainerState.TERMINATED)
                .toList();
        Container current = namesakes.stream().filter(c -> !c.id().equals(old.id())).findFirst()
                .orElse(namesakes.isEmpty() ? null : namesakes.get(0));
        if (current != null && !(current.id() + current.stateLabel()).equals(lastState)) {
            lastState = current.id() + current.stateLabel();
            step.sawChange();
            context.listener.stateChanged(step.target(), current, current.stateLabel());
        }
        boolean actionDone = action != null && action.state() == ActionState.SUCCESS;
        boolean isNew = current != null && (!current.id().equals(old.id()) || actionDone);
        if (!isNew) {
            return again;
        }
        step.replacement = current;
        if (current.state() == ContainerState.STOPPED) {
            return Progress.end(step.fail(current, "the new container stopped"));
        }
        if (current.state() != ContainerState.RUNNING || (action != null && !actionDone)) {
            return again;
        }
        Service now = context.serviceOrNull(step.target().id());
        if (now == null) {
            return Progress.end(step.fail(current, "the service disappeared during the redeploy"));
        }
        return now.isFullyRunning() ? Progress.done() : again;
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        Container replacement = step.replacement;
        String seen = (replacement == null ? step.container().name() + " not yet replaced"
                : replacement.name() + " " + replacement.stateLabel())
                      + (lastAction == null ? "" : ", action " + lastAction.label());
        String why = limit + " (last seen: " + seen + ")";
        step.context().listener.failed(step.target(), why);
        return StepEnd.timedOut(step.took(), why);
    }
}
