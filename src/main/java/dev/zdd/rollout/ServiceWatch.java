package dev.zdd.rollout;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.util.HashSet;
import java.util.Set;

/**
 * Watches a service redeploy until it is back: the action the redeploy returned has reached Success and the service
 * is Running with every target container running. A Running read before the platform demonstrably reacted never
 * counts; a Failed or Canceled action, or a service that ends down, fails at once.
 */
final class ServiceWatch implements Phase {

    /** States that, once the platform has reacted to the redeploy, mean it will not come back by itself. */
    private static final Set<ServiceState> DOWN = Set.of(ServiceState.STOPPED, ServiceState.NOT_RUNNING);

    /** The service before its redeploy, and the latest readings: a look takes again only what went stale. */
    private Service before;
    private Action action;
    private Service service;
    private String lastState;
    private ActionState lastAction;
    /** The platform has demonstrably reacted to this redeploy, so its states are no longer stale. */
    private boolean reacted;

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        Redeployment redeployment = step.redeployment;
        if (before == null) {
            before = step.service;
        }
        String id = step.target().id();
        boolean finishedBefore = action != null && action.state().isFinished();
        boolean actionRead = false;
        if (redeployment.hasAction() && cue.about(redeployment.actionId())) {
            action = context.platform.action(redeployment.actionId());
            actionRead = true;
        }
        boolean justFinished = !finishedBefore && action != null && action.state().isFinished();
        // A service read before its action finished may predate the redeploy: the action's end is a reason to read
        // the service again even when the service itself announced nothing.
        Service previous = service;
        if (cue.about(id) || justFinished) {
            service = context.serviceOrNull(id);
        }
        // And the other way round: a service that changed is a reason to read an unfinished action again, whose
        // own announcement may never come.
        if (!actionRead && redeployment.hasAction() && service != null && service != previous
            && (action == null || !action.state().isFinished())
            && (previous == null || !service.stateLabel().equals(previous.stateLabel())
                || service.running() != previous.running() || service.isFullyRunning())) {
            action = context.platform.action(redeployment.actionId());
        }
        StepEnd verdict = judge(step, action, service);
        if (verdict == null) {
            return Progress.poll(watched(redeployment, id));
        }
        return verdict.succeeded() ? Progress.done() : Progress.end(verdict);
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        String why = limit + " (last seen: " + (lastState == null ? "nothing" : lastState)
                     + (lastAction == null ? "" : ", action " + lastAction.label()) + ")";
        step.context().listener.failed(step.target(), why);
        return StepEnd.timedOut(step.took(), why);
    }

    private StepEnd judge(Step step, Action action, Service now) {
        if (now == null) {
            return step.fail("the service disappeared during its redeploy");
        }
        report(step, action, now);
        // An action In progress proves nothing about the service's state yet: only a change of the service
        // itself, or a finished action, makes its state a reading taken after the redeploy.
        if (now.state() != before.state() || replaced(now) || (action != null && action.state().isFinished())) {
            reacted = true;
        }
        if (action != null && (action.state() == ActionState.FAILED || action.state() == ActionState.CANCELED)) {
            return step.fail("the redeploy action ended " + action.stateLabel());
        }
        if (now.state() == ServiceState.TERMINATED) {
            return step.fail("the service was terminated");
        }
        // A Success the platform still watches (Swarm's monitor period) is back only when a readiness check follows,
        // evidence that the new containers serve: without one, the platform's watch is the only evidence, and the
        // step waits for it to end.
        boolean finished = action == null ? reacted : action.state() == ActionState.SUCCESS
                && (!action.settling() || !step.context().settings.readiness().isNone());
        if (finished && now.isFullyRunning()) {
            if (action != null && action.settling()) {
                step.context().settling.put(step.target().id(), action.id());
            } else {
                step.context().settling.remove(step.target().id());
            }
            return StepEnd.redeployed(step.took());
        }
        if (reacted && DOWN.contains(now.state())) {
            return step.fail("the service is " + now.stateLabel() + " after its redeploy");
        }
        if (action != null && finished && now.state() == ServiceState.PARTLY_RUNNING) {
            return step.fail("the redeploy finished but the service is Partly running (" + now.running() + "/"
                             + now.target() + " containers running)");
        }
        return null;
    }

    private boolean replaced(Service now) {
        return !before.containerIds().isEmpty() && !now.containerIds().isEmpty()
               && now.containerIds().stream().noneMatch(before.containerIds()::contains);
    }

    private void report(Step step, Action action, Service now) {
        RunContext context = step.context();
        if (action != null && action.state() != lastAction) {
            lastAction = action.state();
            step.sawChange();
            context.listener.detail(step.target(), "action " + action.stateLabel());
        }
        if (!now.stateLabel().equals(lastState)) {
            lastState = now.stateLabel();
            step.sawChange();
            context.listener.stateChanged(step.target(), null, lastState);
        }
    }

    /** The ids whose announced changes end a wait: the objects redeployed, and the redeploy's action. */
    static Set<String> watched(Redeployment redeployment, String... objectIds) {
        Set<String> ids = new HashSet<>(Set.of(objectIds));
        if (redeployment.hasAction()) {
            ids.add(redeployment.actionId());
        }
        return Set.copyOf(ids);
    }
}
