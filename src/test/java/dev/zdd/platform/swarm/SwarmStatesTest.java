package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.platform.swarm.SwarmStates.Mode;
import dev.zdd.platform.swarm.SwarmStates.ServiceView;
import dev.zdd.platform.swarm.SwarmStates.TaskView;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwarmStatesTest {

    private static final String ACTION = "svc1/force-update/3";

    /** A replicated service whose spec zdd has just forced from 2 to 3. */
    private static ServiceView web(int replicas, String update) {
        return new ServiceView("svc1", "web", "shop", Mode.REPLICATED, replicas, 3, 2L, update, "msg");
    }

    private static TaskView task(String id, String state, String desired, boolean currentSpec) {
        return new TaskView(id, "node1", state, desired, null, currentSpec);
    }

    private static TaskView newRunning(String id) {
        return task(id, "running", "running", true);
    }

    private static TaskView oldRunning(String id) {
        return task(id, "running", "running", false);
    }

    @Test
    void isRunning_whenEveryReplicaRunsTheCurrentSpec() {
        Service service = SwarmStates.service(web(2, "completed"), List.of(newRunning("t1"), newRunning("t2"),
                task("t0", "shutdown", "shutdown", false)));

        assertThat(service.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(service.stateLabel()).isEqualTo("Running");
        assertThat(service.running()).isEqualTo(2);
        assertThat(service.target()).isEqualTo(2);
        assertThat(service.containerIds()).containsExactly("t1", "t2");
        assertThat(service.isFullyRunning()).isTrue();
        assertThat(service.stack()).isEqualTo("shop");
    }

    @Test
    void isRedeploying_whileSwarmUpdatesOrRollsBack() {
        for (String update : List.of("updating", "rollback_started")) {
            Service service = SwarmStates.service(web(2, update), List.of(newRunning("t1"), oldRunning("t2")));
            assertThat(service.state()).isEqualTo(ServiceState.REDEPLOYING);
            assertThat(service.stateLabel()).isEqualTo("Redeploying (" + update.replace('_', ' ') + ")");
        }
    }

    @Test
    void isRunning_andItsUpdateBackButSettling_onceEveryTaskRunsTheNewSpec_whileSwarmMonitorsIt() {
        List<TaskView> tasks = List.of(newRunning("t1"), newRunning("t2"), task("t0", "shutdown", "shutdown", false));

        Service service = SwarmStates.service(web(2, "updating"), tasks);
        Action update = SwarmStates.action(ACTION, 3, web(2, "updating"), tasks);

        assertThat(service.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(service.stateLabel()).isEqualTo("Running (update monitored)");
        assertThat(update.state()).isEqualTo(ActionState.SUCCESS);
        assertThat(update.settling()).as("Swarm may still pause or roll it back").isTrue();
        Action completed = SwarmStates.action(ACTION, 3, web(2, "completed"), tasks);
        assertThat(completed.state()).isEqualTo(ActionState.SUCCESS);
        assertThat(completed.settling()).isFalse();
    }

    @Test
    void anUpdateNotDownToItsMonitor_isStillInProgress() {
        List<List<TaskView>> notYet = List.of(
                List.of(newRunning("t1"), oldRunning("t2")),                       // one slot still to go
                List.of(newRunning("t1"), task("t2", "starting", "running", true)), // a new task still starting
                List.of(newRunning("t1")));                                        // one task short
        for (List<TaskView> tasks : notYet) {
            assertThat(SwarmStates.service(web(2, "updating"), tasks).state()).as(tasks.toString())
                    .isEqualTo(ServiceState.REDEPLOYING);
            Action update = SwarmStates.action(ACTION, 3, web(2, "updating"), tasks);
            assertThat(update.state()).as(tasks.toString()).isEqualTo(ActionState.IN_PROGRESS);
            assertThat(update.settling()).isFalse();
        }
        assertThat(SwarmStates.service(web(2, "rollback_started"), List.of(newRunning("t1"), newRunning("t2")))
                .state()).as("a rollback replaces the tasks again").isEqualTo(ServiceState.REDEPLOYING);
    }

    @Test
    void isRedeploying_whenTheSpecChangedButSwarmHasNotStartedYet() {
        Service service = SwarmStates.service(web(1, null), List.of(oldRunning("t1")));

        assertThat(service.state()).isEqualTo(ServiceState.REDEPLOYING);
        assertThat(service.stateLabel()).isEqualTo("Redeploying (update pending)");
    }

    @Test
    void isRedeploying_whileTheNewTaskStarts_evenWhenTheUpdateStatusReadPredatesTheTasksRead() {
        // stop-first: the old task is shut down, the new one waits as "ready" (desired) until Swarm promotes it
        List<TaskView> tasks = List.of(task("t1", "shutdown", "shutdown", false), task("t2", "preparing", "ready", true));
        for (String update : new String[] {null, "completed"}) {
            assertThat(SwarmStates.service(web(1, update), tasks).state()).as("update status " + update)
                    .isEqualTo(ServiceState.REDEPLOYING);
        }
        assertThat(SwarmStates.service(web(1, "paused"), tasks).state()).isEqualTo(ServiceState.NOT_RUNNING);
    }

    @Test
    void countsOnlyTasksOfTheCurrentSpec_onceAnUpdateStopped() {
        Service partly = SwarmStates.service(web(2, "paused"), List.of(newRunning("t1"), oldRunning("t2")));
        Service none = SwarmStates.service(web(1, "paused"), List.of(oldRunning("t1"),
                task("t2", "failed", "shutdown", true)));

        assertThat(partly.state()).isEqualTo(ServiceState.PARTLY_RUNNING);
        assertThat(partly.stateLabel()).isEqualTo("Partly running (paused; task t2 runs the previous spec)");
        assertThat(partly.running()).isEqualTo(1);
        assertThat(none.state()).isEqualTo(ServiceState.NOT_RUNNING);
    }

    @Test
    void aNewServiceWithoutUpdateStatusIsRunning() {
        Service service = SwarmStates.service(web(1, null), List.of(newRunning("t1")));

        assertThat(service.state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void aServiceScaledToZeroIsStopped() {
        assertThat(SwarmStates.service(web(0, null), List.of()).state()).isEqualTo(ServiceState.STOPPED);
    }

    @Test
    void aGlobalServiceWantsOneTaskPerNodeThatSwarmScheduledOn() {
        ServiceView global = new ServiceView("g", "agent", null, Mode.GLOBAL, 0, 0, null, null, null);
        List<TaskView> tasks = List.of(new TaskView("a", "n1", "running", "running", null, true),
                new TaskView("b", "n2", "preparing", "running", null, true),
                new TaskView("c", "n3", "shutdown", "shutdown", null, true));

        Service service = SwarmStates.service(global, tasks);

        assertThat(service.target()).isEqualTo(2);
        assertThat(service.running()).isEqualTo(1);
        assertThat(service.state()).isEqualTo(ServiceState.PARTLY_RUNNING);
    }

    @Test
    void aJobIsNeverRunning() {
        ServiceView job = new ServiceView("j", "migrate", null, Mode.JOB, 0, 0, null, null, null);

        assertThat(SwarmStates.service(job, List.of(task("t", "complete", "complete", true))).state())
                .isEqualTo(ServiceState.UNKNOWN);
    }

    @Test
    void theUpdateIsPending_untilSwarmSetsAnUpdateStatus() {
        assertThat(action(web(1, null), oldRunning("t1")).state()).isEqualTo(ActionState.PENDING);
    }

    @Test
    void theUpdateIsInProgress_whileUpdating() {
        assertThat(action(web(1, "updating"), task("t2", "starting", "running", true)).state())
                .isEqualTo(ActionState.IN_PROGRESS);
    }

    @Test
    void theUpdateSucceeds_onlyWhenCompletedAndEveryWantedTaskRunsTheNewSpec() {
        Action done = action(web(2, "completed"), newRunning("t1"), newRunning("t2"),
                task("t0", "shutdown", "shutdown", false));
        Action notYet = action(web(2, "completed"), newRunning("t1"), task("t2", "starting", "running", true));
        Action tooFew = action(web(2, "completed"), newRunning("t1"));

        assertThat(done.state()).isEqualTo(ActionState.SUCCESS);
        assertThat(done.objectId()).isEqualTo("svc1");
        assertThat(done.id()).isEqualTo(ACTION);
        assertThat(notYet.state()).isEqualTo(ActionState.IN_PROGRESS);
        assertThat(tooFew.state()).isEqualTo(ActionState.IN_PROGRESS);
    }

    @Test
    void onACluster_aTaskOnANodeThatIsDownOrDrained_doesNotCount_evenWhenItsLastReportSaysRunning() {
        TaskView stale = newRunning("t2").onNodeUp(false);
        Action action = action(web(2, "completed"), newRunning("t1"), stale);
        Service service = SwarmStates.service(web(2, "completed"), List.of(newRunning("t1"), stale));

        assertThat(action.state()).isEqualTo(ActionState.IN_PROGRESS);
        assertThat(action.stateLabel()).contains("task t2 is on a node that is down or drained");
        assertThat(service.state()).isEqualTo(ServiceState.PARTLY_RUNNING);
        assertThat(service.running()).isEqualTo(1);
    }

    @Test
    void whileTasksStartElsewhereAfterTheUpdateCompleted_theLabelsSayWhichAndWhy() {
        TaskView pending = new TaskView("t3", null, "pending", "running",
                "no suitable node (max replicas per node limit exceed)", true);
        Action action = action(web(2, "completed"), newRunning("t1"), pending);
        Service service = SwarmStates.service(web(2, "completed"), List.of(newRunning("t1"), pending));

        assertThat(action.stateLabel()).isEqualTo("In progress (update completed, new tasks not all running yet;"
                                                  + " task t3 pending: no suitable node (max replicas per node limit"
                                                  + " exceed))");
        assertThat(service.stateLabel()).isEqualTo("Partly running (task t3 pending: no suitable node (max replicas"
                                                    + " per node limit exceed))");
    }

    @Test
    void whileSwarmUpdates_aTaskNoNodeCanTake_showsInTheLabel_aTaskThatMerelyStartsDoesNot() {
        TaskView stuck = new TaskView("t3", null, "pending", "running", "no suitable node (1 node not available"
                                                                          + " for new tasks)", true);
        Service starting = SwarmStates.service(web(2, "updating"), List.of(newRunning("t1"),
                task("t2", "starting", "running", true)));
        Service noNode = SwarmStates.service(web(2, "updating"), List.of(newRunning("t1"), stuck));

        assertThat(starting.stateLabel()).isEqualTo("Redeploying (updating)");
        assertThat(noNode.stateLabel()).isEqualTo("Redeploying (updating; task t3 pending: no suitable node (1 node"
                                                  + " not available for new tasks))");
    }

    @Test
    void theUpdateFails_whenSwarmPausedIt() {
        Action action = action(web(1, "paused"), newRunning("t1"));

        assertThat(action.state()).isEqualTo(ActionState.FAILED);
        assertThat(action.stateLabel()).isEqualTo("Failed (update paused: msg)");
    }

    @Test
    void theUpdateFails_whenANewTaskFailed_evenBeforeSwarmReactsToIt() {
        TaskView failed = new TaskView("t2", "node1", "failed", "shutdown", "task: non-zero exit (1)", true);

        Action action = action(web(1, "updating"), failed, task("t3", "pending", "running", true));

        assertThat(action.state()).isEqualTo(ActionState.FAILED);
        assertThat(action.stateLabel()).contains("t2", "non-zero exit (1)");
    }

    @Test
    void theUpdateFails_afterEveryKindOfRollback_evenWhenTheOldTasksRunAgain() {
        for (String rollback : List.of("rollback_started", "rollback_paused", "rollback_completed")) {
            // A rollback puts the previous spec back: ForceUpdate 2, and ours (3) becomes the previous one.
            ServiceView rolledBack = new ServiceView("svc1", "web", null, Mode.REPLICATED, 1, 2, 3L, rollback, null);

            Action action = SwarmStates.action(ACTION, 3, rolledBack, List.of(newRunning("t1")));

            assertThat(action.state()).as(rollback).isEqualTo(ActionState.FAILED);
            assertThat(action.stateLabel()).contains("rolled the update back", rollback);
        }
    }

    @Test
    void theUpdateIsCanceled_whenSomeoneChangedTheSpecAfterIt() {
        ServiceView forcedAgain = new ServiceView("svc1", "web", null, Mode.REPLICATED, 1, 4, 3L, "completed", null);
        ServiceView otherChange = new ServiceView("svc1", "web", null, Mode.REPLICATED, 1, 3, 3L, "completed", null);

        assertThat(SwarmStates.action(ACTION, 3, forcedAgain, List.of(newRunning("t"))).state())
                .isEqualTo(ActionState.CANCELED);
        assertThat(SwarmStates.action(ACTION, 3, otherChange, List.of(newRunning("t"))).state())
                .isEqualTo(ActionState.CANCELED);
    }

    @Test
    void anUnknownUpdateStateIsNeitherSuccessNorFinished() {
        Action action = action(web(1, "teleporting"), newRunning("t1"));

        assertThat(action.state()).isEqualTo(ActionState.UNKNOWN);
        assertThat(action.stateLabel()).isEqualTo("Unknown (teleporting)");
    }

    @Test
    void aTaskRunsTheCurrentSpec_whenItsSpecEqualsTheTemplate_ignoringRuntimeAndAnAbsentForceUpdate()
            throws Exception {
        JsonNode template = json("{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"A=1\"]},"
                                 + "\"Runtime\":\"container\",\"ForceUpdate\":0}");

        assertThat(SwarmPlatform.sameSpec(json("{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"A=1\"]}}"),
                template)).isTrue();
        assertThat(SwarmPlatform.sameSpec(json("{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"A=2\"]}}"),
                template)).isFalse();
        assertThat(SwarmPlatform.sameSpec(json("{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"A=1\"]},"
                                               + "\"ForceUpdate\":1}"), template)).isFalse();
        assertThat(SwarmPlatform.sameSpec(json("{}").path("Spec"), template)).isFalse();
    }

    @Test
    void readsModesStacksAndTheForceUpdateCountersFromTheEngineApi() throws Exception {
        ServiceView view = SwarmPlatform.serviceView(json("{\"ID\":\"s1\",\"Spec\":{\"Name\":\"shop_web\","
                + "\"Labels\":{\"com.docker.stack.namespace\":\"shop\"},\"TaskTemplate\":{\"ForceUpdate\":3},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":2}}},\"PreviousSpec\":{\"TaskTemplate\":{}},"
                + "\"UpdateStatus\":{\"State\":\"updating\",\"Message\":\"update in progress\"}}"));
        ServiceView global = SwarmPlatform.serviceView(json("{\"ID\":\"s2\",\"Spec\":{\"Name\":\"agent\","
                                                            + "\"Mode\":{\"Global\":{}}}}"));

        assertThat(view).isEqualTo(new ServiceView("s1", "shop_web", "shop", Mode.REPLICATED, 2, 3, 0L,
                "updating", "update in progress"));
        assertThat(global).isEqualTo(new ServiceView("s2", "agent", null, Mode.GLOBAL, 0, 0, null, null, null));
    }

    private static Action action(ServiceView service, TaskView... tasks) {
        return SwarmStates.action(ACTION, 3, service, List.of(tasks));
    }

    private static JsonNode json(String text) throws Exception {
        return DockerApi.json().readTree(text);
    }
}
