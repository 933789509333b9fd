package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(15)
class LoadBalancerTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void spreadsRequestsRoundRobinOverEveryContainer() throws Exception {
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web-1", "web-2")).containersPerService(2)
                .build().start()) {
            Set<String> backends = new LinkedHashSet<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = get(sandbox.lbUrl());
                assertThat(response.statusCode()).isEqualTo(200);
                backends.add(response.headers().firstValue("X-Sandbox-Backend").orElseThrow());
            }
            assertThat(backends).containsExactlyInAnyOrder("web-1-1", "web-1-2", "web-2-1", "web-2-2");
        }
    }

    @Test
    void healthChecksTakeARedeployedContainerOutAndBackWithoutAFailedRequest() throws Exception {
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web-1", "web-2"))
                .bootTime(Duration.ofMillis(600)).warmup(Duration.ofMillis(300))
                .healthCheck(new HealthCheck(Duration.ofMillis(50), 2, 2)).build().start()) {
            ApiClient api = new ApiClient(sandbox);
            String action = api.post(api.service("web-1").path("resource_uri").asText() + "redeploy/")
                    .header("X-Tutum-Action-URI");

            List<List<String>> rotations = new ArrayList<>();
            List<Integer> statuses = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                List<String> rotation = sandbox.inRotation();
                if (rotations.isEmpty() || !rotations.get(rotations.size() - 1).equals(rotation)) {
                    rotations.add(rotation);
                }
                statuses.add(get(sandbox.lbUrl()).statusCode());
                done = rotations.size() > 1 && rotation.size() == 2
                       && api.get(action).json().path("state").asText().equals("Success");
                ApiClient.pause();
            }

            assertThat(rotations).containsExactly(List.of("web-1-1", "web-2-1"), List.of("web-2-1"),
                    List.of("web-1-1", "web-2-1"));
            assertThat(statuses).hasSizeGreaterThan(10).containsOnly(200);
        }
    }

    @Test
    void retriesARefusedConnectionOnTheNextContainer() throws Exception {
        // Checks too rare to notice within the test: only the retry keeps requests from failing.
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web-1", "web-2"))
                .healthCheck(new HealthCheck(Duration.ofSeconds(30), 2, 2)).hanging(List.of("web-1"))
                .build().start()) {
            ApiClient api = new ApiClient(sandbox);
            api.post(api.service("web-1").path("resource_uri").asText() + "redeploy/");
            api.await("/api/v1/container/?name=web-1-1&state=Starting",
                    c -> c.path("meta").path("total_count").asInt() == 1, Duration.ofSeconds(5));

            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = get(sandbox.lbUrl());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("X-Sandbox-Backend")).hasValue("web-2-1");
            }
            assertThat(sandbox.inRotation()).contains("web-1-1");
        }
    }

    @Test
    void answers503WhenNoContainerIsInRotation() throws Exception {
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web")).hanging(List.of("web"))
                .healthCheck(new HealthCheck(Duration.ofMillis(50), 2, 2)).build().start()) {
            ApiClient api = new ApiClient(sandbox);
            api.post(api.service("web").path("resource_uri").asText() + "redeploy/");
            for (int i = 0; i < 250 && !sandbox.inRotation().isEmpty(); i++) {
                ApiClient.pause();
            }

            assertThat(sandbox.inRotation()).isEmpty();
            assertThat(get(sandbox.lbUrl()).statusCode()).isEqualTo(503);
        }
    }

    private HttpResponse<String> get(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
