package dev.zdd.platform.swarm;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How Swarm's services, tasks and update status map onto zdd's services and actions: pure functions over small
 * values read from the Engine API, so that every rule can be tested without a daemon.
 */
final class SwarmStates {

    static final String RUNNING = "running";
    private static final Set<String> UPDATE_IN_PROGRESS = Set.of("updating", "rollback_started");
    private static final Set<String> ROLLBACK = Set.of("rollback_started", "rollback_paused", "rollback_completed");
    /** Task states from which a task of the new spec will not serve: the update has failed. */
    private static final Set<String> TASK_FAILED = Set.of("failed", "rejected");
    private static final String HELD_FOR_STOP_FIRST = "ready";
    private static final Set<String> TASK_ENDED = Set.of("complete", "shutdown", "failed", "rejected", "remove",
            "orphaned");

    private SwarmStates() {
    }

    enum Mode { REPLICATED, GLOBAL, JOB }

    /**
     * A service as read from {@code GET /services}.
     *
     * @param forceUpdate         {@code Spec.TaskTemplate.ForceUpdate} (0 when absent)
     * @param previousForceUpdate {@code PreviousSpec.TaskTemplate.ForceUpdate} (0 when absent), or null when the
     *                            service has no previous spec
     * @param updateState         {@code UpdateStatus.State}, or null when there is none (a fresh update resets it)
     */
    record ServiceView(String id, String name, String stack, Mode mode, int replicas, long forceUpdate,
                       Long previousForceUpdate, String updateState, String updateMessage) {
    }

    /**
     * A task as read from {@code GET /tasks}.
     *
     * @param currentSpec whether the task runs the service's current spec (see {@link SwarmPlatform})
     * @param nodeUp      whether its node is Ready and not drained, as far as zdd knows: a task's state is what its
     *                    node last reported, so on a node that went down (or was drained) a "running" task may be gone
     */
    record TaskView(String id, String nodeId, String state, String desiredState, String error,
                    boolean currentSpec, boolean nodeUp) {

        TaskView(String id, String nodeId, String state, String desiredState, String error, boolean currentSpec) {
            this(id, nodeId, state, desiredState, error, currentSpec, true);
        }

        boolean wanted() {
            return RUNNING.equals(desiredState);
        }

        boolean counts() {
            return currentSpec && wanted() && RUNNING.equals(state) && nodeUp;
        }

        TaskView onNodeUp(boolean up) {
            return new TaskView(id, nodeId, state, desiredState, error, currentSpec, up);
        }

        /** What keeps it from counting, for people: e.g. "task x1 pending: no suitable node". */
        String why() {
            String what = !currentSpec ? " runs the previous spec" : !nodeUp ? " is on a node that is down or drained"
                    : " " + (state.isEmpty() ? "unknown" : state);
            return "task " + id + what + (error == null || error.isBlank() ? "" : ": " + error);
        }
    }

    /**
     * The service as zdd sees it. Only tasks of the current spec count as running, so a service whose update
     * stopped half-way is not Running, even while its old tasks serve.
     */
    static Service service(ServiceView service, List<TaskView> tasks) {
        List<String> running = tasks.stream().filter(TaskView::counts).map(TaskView::id).toList();
        int target = target(service, tasks);
        String update = service.updateState();
        ServiceState state;
        if (service.mode() == Mode.JOB) {
            state = ServiceState.UNKNOWN; // a job runs to completion: nothing to redeploy, so never Running
        } else if (update != null && UPDATE_IN_PROGRESS.contains(update) && !monitored(service, tasks)
                   || (update == null || update.equals("completed")) && (pending(tasks) || starting(tasks))) {
            state = ServiceState.REDEPLOYING;
        } else if (target == 0) {
            state = ServiceState.STOPPED;
        } else if (running.size() == target) {
            state = ServiceState.RUNNING;
        } else if (running.size() > target) {
            state = ServiceState.SCALING; // more than wanted: Swarm is still removing some
        } else {
            state = running.isEmpty() ? ServiceState.NOT_RUNNING : ServiceState.PARTLY_RUNNING;
        }
        return new Service(service.id(), service.name(), service.stack(), state, label(state, service, tasks),
                running.size(), target, running);
    }

    /**
     * An update down to its monitor period ({@code UpdateConfig.Monitor}, 5 s by default): every task Swarm wants runs
     * the new spec, and Swarm only watches them for a failure before it calls the update completed. Nothing of it is
     * left to take a task down, so the service serves as Running; should a task fail meanwhile, Swarm pauses or rolls
     * the update back, which the service's state and the update's action show.
     */
    static boolean monitored(ServiceView service, List<TaskView> tasks) {
        return "updating".equals(service.updateState()) && allWantedRunTheNewSpec(service, tasks) && !pending(tasks)
               && !starting(tasks);
    }

    /**
     * The spec changed and Swarm has not started to replace the tasks yet: it resets UpdateStatus with every new
     * spec and sets it again only when its updater starts, so until then old tasks still run with no status.
     */
    private static boolean pending(List<TaskView> tasks) {
        return tasks.stream().anyMatch(t -> t.wanted() && !t.currentSpec());
    }

    /**
     * A stop-first update is under way: Swarm has made the new task and holds it at desired state "ready" until
     * the old one has stopped. The service and its tasks are two reads, so the service may still show no update
     * status (Swarm resets it with the new spec) while the tasks already show the old one shut down and the new one
     * waiting: that is a redeploy in progress, not a service that went down.
     */
    private static boolean starting(List<TaskView> tasks) {
        return tasks.stream().anyMatch(t -> t.currentSpec() && HELD_FOR_STOP_FIRST.equals(t.desiredState())
                                            && !TASK_ENDED.contains(t.state()));
    }

    /**
     * The replicas of a replicated service; for a global service, the nodes that Swarm wants a task on now (one
     * task per eligible node, each with desired state running), since only the scheduler knows which nodes are
     * eligible.
     */
    static int target(ServiceView service, List<TaskView> tasks) {
        return switch (service.mode()) {
            case REPLICATED -> service.replicas();
            case GLOBAL -> {
                Set<String> nodes = new HashSet<>();
                tasks.stream().filter(TaskView::wanted).forEach(t -> nodes.add(t.nodeId()));
                yield nodes.size();
            }
            case JOB -> 0;
        };
    }

    /**
     * The state of the forced update that set {@code ForceUpdate} to {@code ours}. It succeeds only when the update
     * is ours (nobody changed the spec since, and it was not rolled back), Swarm says it completed, and every task
     * Swarm wants runs the new spec. Swarm reports a task with a HEALTHCHECK as running only once it is healthy.
     */
    static Action action(String actionId, long ours, ServiceView service, List<TaskView> tasks) {
        String update = service.updateState();
        String message = service.updateMessage() == null || service.updateMessage().isBlank()
                ? "" : ": " + service.updateMessage();
        if (update != null && ROLLBACK.contains(update)) {
            return action(actionId, service, ActionState.FAILED, "Failed (Swarm rolled the update back, "
                                                                  + update + message + ")");
        }
        Long previous = service.previousForceUpdate();
        if (service.forceUpdate() != ours || previous == null || previous != ours - 1) {
            return action(actionId, service, ActionState.CANCELED,
                    "Canceled (the service's spec was changed again after zdd's update)");
        }
        for (TaskView task : tasks) {
            if (task.currentSpec() && TASK_FAILED.contains(task.state())) {
                return action(actionId, service, ActionState.FAILED, "Failed (new task " + task.id() + " "
                        + task.state() + (task.error() == null ? "" : ": " + task.error()) + ")");
            }
        }
        if (update == null) {
            return action(actionId, service, ActionState.PENDING, null);
        }
        return switch (update) {
            // Back, as the docker CLI's progress would say, but not done: a failure within the monitor period
            // still makes Swarm pause or roll back, so the run watches it settle before it ends.
            case "updating" -> monitored(service, tasks)
                    ? new Action(actionId, ActionState.SUCCESS, "Success (Swarm monitors the new tasks)",
                            service.id(), "Service update (forced)", true)
                    : action(actionId, service, ActionState.IN_PROGRESS, null);
            case "paused" -> action(actionId, service, ActionState.FAILED, "Failed (update paused" + message + ")");
            case "completed" -> allWantedRunTheNewSpec(service, tasks)
                    ? action(actionId, service, ActionState.SUCCESS, null)
                    : action(actionId, service, ActionState.IN_PROGRESS,
                             "In progress (update completed, new tasks not all running yet" + waiting(tasks) + ")");
            default -> action(actionId, service, ActionState.UNKNOWN, "Unknown (" + update + ")");
        };
    }

    /** The first task Swarm wants running that does not count yet, as "; task x1 pending: why", or "". */
    static String waiting(List<TaskView> tasks) {
        return tasks.stream().filter(t -> t.wanted() && !t.counts()).findFirst().map(t -> "; " + t.why()).orElse("");
    }

    static boolean allWantedRunTheNewSpec(ServiceView service, List<TaskView> tasks) {
        List<TaskView> wanted = tasks.stream().filter(TaskView::wanted).toList();
        return !wanted.isEmpty() && wanted.stream().allMatch(TaskView::counts)
               && wanted.size() == target(service, tasks);
    }

    private static Action action(String id, ServiceView service, ActionState state, String label) {
        return new Action(id, state, label, service.id(), "Service update (forced)");
    }

    /**
     * The state as people read it: with the update's state when one is under way or stopped, and, when tasks are
     * missing, the first one that does not count and why (on a cluster: pending for want of a node, on a node that
     * went down), so that a timeout's "last seen" says what happened.
     */
    private static String label(ServiceState state, ServiceView service, List<TaskView> tasks) {
        String update = service.updateState();
        if (service.mode() == Mode.JOB) {
            return "Unknown (a job, not a long-running service)";
        }
        if (update == null && state == ServiceState.REDEPLOYING) {
            return state.label() + " (update pending)";
        }
        if (state == ServiceState.RUNNING && monitored(service, tasks)) {
            return state.label() + " (update monitored)";
        }
        String detail = update == null || update.equals("completed") ? "" : update.replace('_', ' ');
        String waiting = "";
        if (state == ServiceState.PARTLY_RUNNING || state == ServiceState.NOT_RUNNING) {
            waiting = waiting(tasks);
        } else if (state == ServiceState.REDEPLOYING) {
            // Only a task in trouble, such as one that no node can take: a task that merely starts would make a
            // new label, and a progress line, for every task of every update.
            waiting = tasks.stream().filter(t -> t.wanted() && !t.counts() && t.error() != null
                                                 && !t.error().isBlank())
                    .findFirst().map(t -> "; " + t.why()).orElse("");
        }
        detail = detail.isEmpty() ? waiting.replaceFirst("^; ", "") : detail + waiting;
        return detail.isEmpty() ? state.label() : state.label() + " (" + detail + ")";
    }
}
