package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.e2e.Haproxy;
import dev.zdd.e2e.Load;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.e2e.Zdd;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issues 18 and 11: waves on the three-node cluster. Four services (web-1, api-1, web-2, api-2), their tasks spread
 * over the nodes, behind a real HAProxy with two backends (web: web-1, web-2; api: api-1, api-2), redeployed in two
 * waves of two (web-1,api-1 then web-2,api-2) under load on both backends: no request fails.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterWavesIT {

    private static final List<String> SERVICES = List.of("web-1", "api-1", "web-2", "api-2");
    private static final int BASE_PORT = 18970;
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(10);

    @Test
    void twoWavesOfTwo_onTheCluster_failNoRequest() throws Exception {
        try (TestCluster cluster = TestCluster.connect(1)) {
            Map<String, Map<String, Integer>> backends = new LinkedHashMap<>();
            Map<String, String> names = new LinkedHashMap<>();
            for (int i = 0; i < SERVICES.size(); i++) {
                String service = SERVICES.get(i);
                String name = "zdd-wave-" + service;
                int base = BASE_PORT + 2 * i;
                names.put(service, name);
                cluster.swarm.create(cluster.httpd(name, base, 1, "pause"), WITHIN);
                backends.computeIfAbsent(service.substring(0, 3), b -> new LinkedHashMap<>()).put(service, base + 1);
            }
            try (Haproxy haproxy = Haproxy.startBackends(backends, WITHIN)) {
                haproxy.markLog();
                Zdd.Run run;
                Figures web;
                Figures api;
                try (Load webLoad = Load.start(haproxy.url("web"), LOAD_INTERVAL);
                     Load apiLoad = Load.start(haproxy.url("api"), LOAD_INTERVAL)) {
                    // --no-resolve-image: the image was imported on every node, never pushed.
                    run = Zdd.redeploy(Map.of(), Duration.ofSeconds(180), "--platform", "swarm",
                            "--no-resolve-image", "--api-url", cluster.socket(1).toString(), "--drain-delay", "4s",
                            "--timeout", "60s",
                            names.get("web-1") + "," + names.get("api-1"),
                            names.get("web-2") + "," + names.get("api-2"));
                    haproxy.awaitAllUp(WITHIN);
                    webLoad.scenarioEnded();
                    apiLoad.scenarioEnded();
                    web = webLoad.stop().print("issue18", "cluster-waves-web");
                    api = apiLoad.stop().print("issue18", "cluster-waves-api");
                }
                System.out.printf("E2E issue18 cluster-waves: 2 waves of 2 in %.1f s%n",
                        run.took().toMillis() / 1000.0);

                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(web.failed() + api.failed()).as("failed requests: " + haproxy.failedRequests()).isZero();
                assertThat(run.summary().path("services")).hasSize(4)
                        .allMatch(s -> "redeployed".equals(s.path("outcome").asText()));
            }
        }
    }
}
