package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.Action;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.Target;
import dev.zdd.sandbox.Sandbox;
import dev.zdd.sandbox.SandboxStats;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 1 of issue 17, zdd's side: another client redeploys a service a moment before zdd does, so that zdd's
 * redeploy is queued on the platform. zdd follows its own action from Pending through In progress to Success, and
 * counts the service back only then, not when the other client's redeploy ends.
 */
@Timeout(60)
class QueuedRedeployOverSandboxTest {

    private static final String OTHER_CLIENT = "python-tutum/0.21.2";
    private Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web-1")).bootTime(Duration.ofMillis(300))
                .warmup(Duration.ZERO).build().start();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void zddFollowsItsQueuedRedeployFromPendingToSuccess_andNotTheOneBeforeIt() {
        List<String> actionStates = Collections.synchronizedList(new ArrayList<>());
        RolloutListener listener = new RolloutListener() {
            @Override
            public void detail(Target target, String message) {
                if (message.startsWith("action ")) {
                    actionStates.add(message.substring("action ".length()));
                }
            }
        };
        Platform zdd = new OtherClientFirst(new TutumPlatform(new TutumConfig(TutumConfig.Flavor.TUTUM,
                sandbox.apiUrl(), null, basic(), false).withStreamUrl(sandbox.streamUrl()), Clock.systemUTC(),
                Sleeper.SYSTEM, new Random(1)));

        RolloutReport report = new Rollout(zdd, Clock.systemUTC(), Sleeper.SYSTEM).run(List.of("web-1"),
                RolloutSettings.defaults().withDrainDelay(Duration.ZERO).withPollInterval(Duration.ofMillis(100))
                        .withTimeout(Duration.ofSeconds(30)), listener, new Cancellation());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(actionStates).containsSubsequence("Pending", "In progress", "Success");
        List<SandboxStats.Redeploy> redeploys = sandbox.stats().redeploys();
        assertThat(redeploys).hasSize(2);
        SandboxStats.Redeploy theirs = redeploys.get(0);
        SandboxStats.Redeploy ours = redeploys.get(1);
        assertThat(theirs.userAgent()).isEqualTo(OTHER_CLIENT);
        assertThat(ours.userAgent()).startsWith("zdd/");
        assertThat(ours.state()).isEqualTo("Success");
        // zdd's redeploy ran after the other one, and zdd waited for it: the run ended no earlier than its action.
        assertThat(ours.end()).isAfterOrEqualTo(theirs.end());
        assertThat(Instant.now()).isAfterOrEqualTo(ours.end());
        assertThat(report.services().get(0).took()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((sandbox.user() + ":" + sandbox.apiKey())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** zdd's platform, except that another client redeploys the same service just before zdd's request. */
    private final class OtherClientFirst implements Platform {
        private final Platform zdd;

        OtherClientFirst(Platform zdd) {
            this.zdd = zdd;
        }

        @Override
        public Redeployment redeploy(Service service, boolean reuseVolumes) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.apiUrl() + "/api/v1/service/"
                                                                    + service.id() + "/redeploy/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", basic())
                    .header("User-Agent", OTHER_CLIENT).build();
            try {
                int status = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                assertThat(status).isEqualTo(202);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return zdd.redeploy(service, reuseVolumes);
        }

        @Override
        public List<Service> services() {
            return zdd.services();
        }

        @Override
        public Service service(String id) {
            return zdd.service(id);
        }

        @Override
        public Action action(String actionId) {
            return zdd.action(actionId);
        }

        @Override
        public List<Container> containers(Service service) {
            return zdd.containers(service);
        }

        @Override
        public Container container(String id) {
            return zdd.container(id);
        }

        @Override
        public Redeployment redeploy(Container container, boolean reuseVolumes) {
            return zdd.redeploy(container, reuseVolumes);
        }

        @Override
        public String describe() {
            return zdd.describe();
        }

        @Override
        public void callsUntil(Instant deadline) {
            zdd.callsUntil(deadline);
        }

        @Override
        public Changes changes() {
            return zdd.changes();
        }
    }
}
