package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.Container;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.Target;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: how soon zdd notices that a redeploy is back, on the three-node cluster (tasks on other nodes, whose
 * container events never reach the manager) next to the single node of swarm-up, with the events stream, the same
 * service shape on both (two tasks, stop-first). Latency is from the moment every new task ran (the tasks' own time
 * stamps, the manager's clock, this machine's; the update is back then, while Swarm still monitors it) to the
 * engine's ready. Prints it; asserts no timing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterEventsIT {

    private static final int RUNS = 2;
    private static final Duration START = Duration.ofSeconds(60);
    private static final RolloutSettings SETTINGS = RolloutSettings.defaults()
            .withDrainDelay(Duration.ZERO).withTimeout(Duration.ofSeconds(90));

    @Test
    void detectionLatency_onTheCluster_isThatOfOneNode() throws Exception {
        List<Long> single = new ArrayList<>();
        List<Long> cluster = new ArrayList<>();
        int singleReads;
        int clusterReads;
        try (TestSwarm swarm = TestSwarm.connect(); SwarmPlatform platform = new SwarmPlatform(swarm.config)) {
            String id = swarm.create(swarm.httpd("zdd-latency-single", 18950, 2), START);
            singleReads = measure(swarm, platform, "zdd-latency-single", id, single);
        }
        try (TestCluster nodes = TestCluster.connect(1);
             SwarmPlatform platform = new SwarmPlatform(new SwarmConfig(nodes.socket(1), false, null))) {
            ObjectNode spec = nodes.httpd("zdd-latency-cluster", 18960, 2, "pause");
            // the same start as the single node's service: no second of sleep before httpd listens
            ObjectNode container = (ObjectNode) spec.path("TaskTemplate").path("ContainerSpec");
            container.withArray("Command").set(2, container.textNode(
                    container.path("Command").get(2).asText().replaceFirst("^sleep 1; ", "")));
            ((ObjectNode) spec.path("UpdateConfig")).put("Delay", 0);
            String id = nodes.swarm.create(spec, START);
            assertThat(nodes.nodesOf(id).values()).as("tasks on two nodes").doesNotHaveDuplicates();
            clusterReads = measure(nodes.swarm, platform, "zdd-latency-cluster", id, cluster);
        }
        System.out.printf("E2E issue18 detection-latency: single node %s ms (median %d, %d reads), cluster %s ms"
                          + " (median %d, %d reads), from the new tasks running to ready, events stream"
                          + " on%n", single, median(single), singleReads, cluster, median(cluster), clusterReads);
    }

    /** Redeploys the service RUNS times; adds each latency in ms; returns the reads of the last run. */
    private static int measure(TestSwarm swarm, SwarmPlatform platform, String name, String id, List<Long> latencies) {
        int reads = 0;
        for (int i = 0; i < RUNS; i++) {
            SwarmEventsIT.Counting counting = new SwarmEventsIT.Counting(platform, platform::changes);
            Instant[] ready = new Instant[1];
            RolloutListener listener = new RolloutListener() {
                @Override
                public void ready(Target target, Container container, Duration took) {
                    ready[0] = Instant.now();
                }
            };
            RolloutReport report = new Rollout(counting, Clock.systemUTC(), Sleeper.SYSTEM)
                    .run(List.of(name), SETTINGS, listener, new Cancellation());
            assertThat(report.outcome()).as("%s", report).isEqualTo(RunOutcome.SUCCESS);
            // From the moment every new task ran (the update back, while Swarm monitors it) to ready.
            latencies.add(Duration.between(swarm.newTasksRunning(id), ready[0]).toMillis());
            reads = counting.reads.get();
        }
        return reads;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
