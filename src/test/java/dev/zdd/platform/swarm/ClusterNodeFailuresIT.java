package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.e2e.Haproxy;
import dev.zdd.e2e.Load;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.e2e.Zdd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: nodes that fail in the middle of a rollout on the three-node cluster, each under load through HAProxy
 * over the service's task ports. zdd runs as a user runs it; once Swarm has replaced the first task with one of the
 * new spec, the test drains a worker, kills a worker (its dockerd, containerd and containers, as a machine dies), or,
 * with three managers, kills the leader zdd talks to. Every test leaves the cluster as cluster-up makes it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterNodeFailuresIT {

    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(10);

    /**
     * A worker drained while Swarm updates the service: its task moves to the node that had none, and comes up with
     * the new spec; zdd waits for it there. FailureAction continue: with Swarm's default (pause), a drain that ends
     * the very task Swarm is updating pauses the update, which zdd reports as a failure naming the drained node.
     */
    @Test
    void aWorkerDrainedMidRollout_tasksMove_andZddWaitsForTheNewSpecWhereverItLands() throws Exception {
        try (TestCluster cluster = TestCluster.connect(1)) {
            String id = cluster.swarm.create(cluster.httpd("zdd-fail-drain", 18900, 2, "continue"), WITHIN);
            long forceBefore = forceUpdate(cluster, id);
            try (Haproxy haproxy = Haproxy.start(ports(18900, 2), WITHIN)) {
                Scenario scenario = Scenario.start(haproxy, cluster.socket(1).toString(), "90s", "zdd-fail-drain");
                awaitFirstNewTask(cluster, id, forceBefore);
                int worker = workerWithATask(cluster, id);
                Map<Integer, Integer> before = cluster.nodesOf(id);
                cluster.drain(worker);
                Outcome outcome = scenario.end("cluster-drained-worker");
                Map<Integer, Integer> after = cluster.nodesOf(id);
                System.out.printf("E2E issue18 cluster-drained-worker: drained node%d; slots on nodes before %s,"
                                  + " after %s; zdd exited %d after %.1f s%n", worker, before, after,
                        outcome.run.exitCode(), outcome.run.took().toMillis() / 1000.0);

                assertThat(outcome.run.exitCode()).as(outcome.run.toString()).isZero();
                assertThat(cluster.placement(id).values()).as("every task of the new spec runs, after zdd's success")
                        .hasSize(2).allMatch(p -> p.endsWith(":running:new"));
                assertThat(after.values()).as("none left on the drained node").doesNotContain(worker);
            }
        }
    }

    /**
     * A worker killed while Swarm updates a service of three tasks, one per node: its task can go nowhere, so the
     * service can't be back. zdd must not report success, must end by its timeout, and must say what it saw.
     */
    @Test
    void aWorkerKilledMidRollout_zddNeitherSucceedsNorHangs_andSaysWhatHappened() throws Exception {
        try (TestCluster cluster = TestCluster.connect(1)) {
            String id = cluster.swarm.create(cluster.httpd("zdd-fail-kill", 18910, 3, "pause"), WITHIN);
            long forceBefore = forceUpdate(cluster, id);
            try (Haproxy haproxy = Haproxy.start(ports(18910, 3), WITHIN)) {
                Scenario scenario = Scenario.start(haproxy, cluster.socket(1).toString(), "40s", "zdd-fail-kill");
                awaitFirstNewTask(cluster, id, forceBefore);
                int worker = workerWithATask(cluster, id);
                cluster.kill(worker);
                Outcome outcome = scenario.end("cluster-killed-worker");
                String reason = outcome.run.summary().path("services").path(0).path("reason").asText("");
                System.out.printf("E2E issue18 cluster-killed-worker: killed node%d; zdd exited %d (%s) after %.1f s:"
                                  + " %s; tasks then %s%n", worker, outcome.run.exitCode(),
                        outcome.run.summary().path("outcome").asText(), outcome.run.took().toMillis() / 1000.0,
                        reason, cluster.placement(id));

                assertThat(outcome.run.exitCode()).as(outcome.run.toString()).isEqualTo(1);
                assertThat(outcome.run.took()).as("ends by its --timeout 40s, with a margin for start-up")
                        .isLessThan(Duration.ofSeconds(60));
                assertThat(reason).as("says what it saw").containsAnyOf("down or drained", "no suitable node",
                        "paused");
            }
        }
    }

    /**
     * Three managers; zdd is given all three, the leader first, and the leader is killed mid-rollout (its task
     * moves to the node that had none). zdd goes on through the next manager, sends its update once, and ends when
     * every task runs the new spec.
     */
    @Test
    void theLeaderKilledMidRollout_zddGoesOnThroughTheNextManager_andSendsItsUpdateOnce() throws Exception {
        try (TestCluster cluster = TestCluster.connect(3)) {
            String id = cluster.swarm.create(cluster.httpd("zdd-fail-leader", 18920, 2, "continue"), WITHIN);
            long forceBefore = forceUpdate(cluster, id);
            int leader = cluster.leader();
            String managers = cluster.managerHosts();
            try (Haproxy haproxy = Haproxy.start(ports(18920, 2), WITHIN)) {
                Scenario scenario = Scenario.start(haproxy, managers, "120s", "zdd-fail-leader", "-v");
                awaitFirstNewTask(cluster, id, forceBefore);
                cluster.kill(leader);
                Outcome outcome = scenario.end("cluster-killed-leader");
                JsonNode service = cluster.swarm.inspect(id);
                System.out.printf("E2E issue18 cluster-killed-leader: killed node%d (the leader); new leader node%d;"
                                  + " zdd exited %d after %.1f s; tasks then %s%n", leader, cluster.leader(),
                        outcome.run.exitCode(), outcome.run.took().toMillis() / 1000.0, cluster.placement(id));

                assertThat(outcome.run.exitCode()).as(outcome.run.toString()).isZero();
                assertThat(outcome.run.stderr()).as("went on through another manager")
                        .contains("going on through");
                assertThat(service.path("Spec").path("TaskTemplate").path("ForceUpdate").asLong())
                        .as("one update, never sent twice").isEqualTo(forceBefore + 1);
                assertThat(cluster.placement(id).values()).as("every task of the new spec runs, after zdd's success")
                        .hasSize(2).allMatch(p -> p.endsWith(":running:new"));
                assertThat(cluster.nodesOf(id).values()).doesNotContain(leader);
            }
        }
    }

    private static Map<String, Integer> ports(int base, int replicas) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int slot = 1; slot <= replicas; slot++) {
            ports.put("slot-" + slot, base + slot);
        }
        return ports;
    }

    /**
     * Waits until zdd's update is in (the spec's ForceUpdate moved past {@code before}) and Swarm runs the first task
     * of the new spec: the rollout is under way, not done.
     */
    private static void awaitFirstNewTask(TestCluster cluster, String id, long before) throws InterruptedException {
        long end = System.nanoTime() + WITHIN.toNanos();
        while (forceUpdate(cluster, id) == before
               || cluster.placement(id).values().stream().noneMatch(p -> p.endsWith(":running:new"))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the rollout did not start within " + WITHIN + ": " + cluster.placement(id));
            }
            Thread.sleep(100);
        }
    }

    private static long forceUpdate(TestCluster cluster, String id) {
        return cluster.swarm.inspect(id).path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0);
    }

    /** A worker (node 2 or 3) that runs a task of the service, preferring one whose task is not updated yet. */
    private static int workerWithATask(TestCluster cluster, String id) {
        List<Integer> workers = new ArrayList<>();
        cluster.placement(id).values().stream().sorted((a, b) -> Boolean.compare(b.endsWith(":old"),
                        a.endsWith(":old")))
                .map(p -> Integer.parseInt(p.substring("node".length(), p.indexOf(':'))))
                .filter(n -> n != 1).forEach(workers::add);
        assertThat(workers).as("a worker with a task: %s", cluster.placement(id)).isNotEmpty();
        return workers.get(0);
    }

    private record Outcome(Zdd.Run run, Figures figures) {
    }

    /** Load through HAProxy and one zdd run in the background, until both end. */
    private record Scenario(Haproxy haproxy, Load load, CompletableFuture<Zdd.Run> zdd) {

        static Scenario start(Haproxy haproxy, String managers, String timeout, String service, String... more)
                throws InterruptedException {
            haproxy.markLog();
            Load load = Load.start(haproxy.url(), LOAD_INTERVAL);
            // No --probe: a node that dies while Swarm replaces another task takes two tasks down at once, and
            // the load through HAProxy measures that; zdd's exit code here is about the rollout.
            // --no-resolve-image: the image was imported on every node, never pushed.
            List<String> args = new ArrayList<>(List.of("--platform", "swarm", "--no-resolve-image", "--api-url",
                    managers, "--timeout", timeout, "--drain-delay", "0s"));
            args.addAll(List.of(more));
            args.add(service);
            CompletableFuture<Zdd.Run> zdd = CompletableFuture.supplyAsync(() -> {
                try {
                    return Zdd.redeploy(Map.of(), Duration.ofSeconds(180), args.toArray(String[]::new));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new Scenario(haproxy, load, zdd);
        }

        Outcome end(String name) throws Exception {
            try {
                Zdd.Run run = zdd.get(200, TimeUnit.SECONDS);
                load.scenarioEnded();
                Figures figures = load.stop().print("issue18", name);
                System.out.printf("E2E issue18 %s: failed requests by HAProxy status %s%n", name,
                        haproxy.failedRequests());
                return new Outcome(run, figures);
            } finally {
                load.close();
            }
        }
    }
}
