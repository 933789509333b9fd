package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.FAILED;
import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ActionState.PENDING;
import static dev.zdd.platform.ActionState.SUCCESS;
import static dev.zdd.platform.ContainerState.RUNNING;
import static dev.zdd.platform.ContainerState.STARTING;
import static dev.zdd.platform.ContainerState.STOPPED;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.ContainerFrame;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerContainerAndReadinessTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private final FakeReadiness readiness = new FakeReadiness();
    private RolloutSettings settings = RolloutSettings.defaults().withPerContainer(true);

    /**
     * Answers from a table: a URL answers 2xx from the given time after its first attempt on (the fake clock), or
     * never (a negative time). Records each check, i.e. each first attempt of a URL since its last pass.
     */
    private final class FakeReadiness implements ReadinessCheck {
        final Map<String, Duration> readyAfter = new HashMap<>();
        final List<String> checked = new ArrayList<>();
        private final Map<String, Instant> firstAttempt = new HashMap<>();
        private final Map<String, Integer> inARow = new HashMap<>();

        @Override
        public String attempt(URI url, Duration timeout) {
            String key = url.toString();
            if (!firstAttempt.containsKey(key)) {
                checked.add(key + " x" + settings.readiness().successes());
                firstAttempt.put(key, time.instant());
                inARow.put(key, 0);
            }
            Duration after = readyAfter.getOrDefault(key, Duration.ZERO);
            Instant readyAt = firstAttempt.get(key).plus(after);
            if (after.isNegative() || time.instant().isBefore(readyAt)) {
                inARow.put(key, 0);
                return "HTTP 503";
            }
            if (inARow.merge(key, 1, Integer::sum) == settings.readiness().successes()) {
                firstAttempt.remove(key); // this check passed: the next attempt starts another
                inARow.remove(key);
            }
            return null;
        }

        @Override
        public Duration interval() {
            return ofSeconds(1);
        }
    }

    private RolloutReport run(String... arguments) {
        return new Rollout(platform, time, time, readiness)
                .run(List.of(arguments), settings, listener, new Cancellation());
    }

    @Test
    void redeploysContainersOneAtATime_drainingBetweenThem_andBetweenServices() {
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        Service web = platform.add("web");
        platform.healthyContainers(api, ofSeconds(2)).healthyContainers(web, ofSeconds(1));

        RolloutReport report = run("api", "web");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("redeploy"))
                .containsExactly("redeploy container api-1", "redeploy container api-2", "redeploy container web-1");
        assertThat(time.naps()).containsExactly(
                ofSeconds(1), ofSeconds(1), ofSeconds(10),   // api-1 back at 2 s, drain
                ofSeconds(1), ofSeconds(1), ofSeconds(10),   // api-2 back at 2 s, drain before the next service
                ofSeconds(1));                               // web-1 back at 1 s, no drain after the last
        assertThat(listener.events).containsSubsequence(
                "redeploy api", "ready api 2000ms", "drain api 10000ms", "redeploy api", "ready api 2000ms",
                "ready api 14000ms", "drain api 10000ms", "redeploy web");
    }

    @Test
    void aRunningContainerWithTheOldIdBeforeTheActionFinishedNeverCounts() {
        Service api = platform.add("api", null, ServiceState.RUNNING, 1, 1);
        // The platform reuses the object: same id, still Running, action Pending for 3 s.
        platform.containerScript(api,
                new ContainerFrame(Duration.ZERO, RUNNING, PENDING, false),
                new ContainerFrame(ofSeconds(3), STARTING, IN_PROGRESS, false),
                new ContainerFrame(ofSeconds(5), RUNNING, SUCCESS, false));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(5));
    }

    @Test
    void aFailedContainerActionFailsAtOnce_remainingContainersUntouched() {
        Service api = platform.add("api", null, ServiceState.RUNNING, 3, 3);
        platform.containerScript(api,
                new ContainerFrame(Duration.ZERO, STARTING, IN_PROGRESS, true),
                new ContainerFrame(ofSeconds(2), STOPPED, FAILED, true));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("redeploy"))
                .containsExactly("redeploy container api-1");
        assertThat(report.services().get(0).reason()).contains("api-1").contains("Failed");
    }

    @Test
    void aNewContainerThatStopsFailsAtOnce() {
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.withoutActions().containerScript(api,
                new ContainerFrame(ofSeconds(1), STARTING, PENDING, true),
                new ContainerFrame(ofSeconds(2), STOPPED, PENDING, true));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("stopped");
    }

    @Test
    void readyPath_checksTheNewContainersEndpoint_beforeTheDrain() {
        settings = settings.withReadiness(new RolloutSettings.Readiness("/health", List.of(), 3));
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.healthyContainers(api, ofSeconds(1));
        List<Container> containers = platform.containers(api);
        readiness.readyAfter.put(containers.get(0).httpEndpoints().get(0) + "health", ofSeconds(4));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(readiness.checked).containsExactly(
                containers.get(0).httpEndpoints().get(0) + "health x3",
                containers.get(1).httpEndpoints().get(0) + "health x3");
        assertThat(time.naps()).containsExactly(
                ofSeconds(1),                                            // api-1 back
                ofSeconds(1), ofSeconds(1), ofSeconds(1), ofSeconds(1),  // 503 until 4 s after the first attempt
                ofSeconds(1), ofSeconds(1),                              // then three 2xx in a row
                ofSeconds(10),                                           // drain
                ofSeconds(1), ofSeconds(1), ofSeconds(1));               // api-2 back, three 2xx at once
        assertThat(listener.events).contains("ready api 7000ms");
    }

    @Test
    void aContainerThatNeverBecomesReady_failsTheRun_remainingContainersUntouched() {
        settings = settings.withReadiness(new RolloutSettings.Readiness("/", List.of(), 3))
                .withTimeout(ofSeconds(30));
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.healthyContainers(api, ofSeconds(1));
        readiness.readyAfter.put(platform.containers(api).get(0).httpEndpoints().get(0).toString(), ofSeconds(-1));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("redeploy"))
                .containsExactly("redeploy container api-1");
        assertThat(report.services().get(0).reason()).contains("not ready").contains("503");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(30));
    }

    @Test
    void aTimeoutNamesEveryUrlThatWasNotReady_notOneThatPassed() {
        settings = RolloutSettings.defaults().withReadiness(new RolloutSettings.Readiness(null,
                List.of(URI.create("http://a.test/"), URI.create("http://b.test/"), URI.create("http://c.test/")), 3))
                .withTimeout(ofSeconds(20));
        Service web = platform.add("web-1");
        platform.healthy(web, ofSeconds(1));
        readiness.readyAfter.put("http://b.test/", ofSeconds(-1));
        readiness.readyAfter.put("http://c.test/", ofSeconds(-1));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.services().get(0).reason())
                .startsWith("not ready: GET http://b.test/ last gave HTTP 503; GET http://c.test/ last gave HTTP 503;")
                .doesNotContain("a.test");
    }

    @Test
    void readyUrl_isCheckedAfterEachServiceIsBack() {
        settings = RolloutSettings.defaults().withReadiness(new RolloutSettings.Readiness(null,
                List.of(URI.create("http://lb.test/")), 2));
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(readiness.checked).containsExactly("http://lb.test/ x2", "http://lb.test/ x2");
    }

    @Test
    void readyPath_atServiceLevel_checksEveryContainerAfterTheServiceIsBack() {
        settings = RolloutSettings.defaults().withReadiness(new RolloutSettings.Readiness("ping", List.of(), 3));
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.healthy(api, ofSeconds(1));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(readiness.checked).hasSize(2).allMatch(u -> u.endsWith("/ping x3"));
    }

    @Test
    void readyPath_refusedAtPreflight_whenAContainerPublishesNoHttpPort() {
        settings = settings.withReadiness(new RolloutSettings.Readiness("/", List.of(), 3));
        Service api = platform.add("api");
        platform.setContainers(api, List.of(new Container("c1", "api-1", api.id(), ContainerState.RUNNING, null,
                List.of())));

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(PreflightException.class)
                .hasMessageContaining("api-1 publishes no HTTP port");
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void perContainer_stopsBeforeTheNextContainerWhenTheServiceIsNoLongerFullyRunning() {
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.healthyContainers(api, ofSeconds(1));
        time.onSleep(nap -> {
            if (nap.equals(ofSeconds(10))) {
                platform.set(api, ServiceState.PARTLY_RUNNING, 1);
            }
        });

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("redeploy"))
                .containsExactly("redeploy container api-1");
        assertThat(report.services().get(0).reason()).contains("no longer fully Running before api-2");
    }

    @Test
    void dryRunPlansOneStepPerContainer() {
        settings = settings.withDryRun(true).withTimeout(ofSeconds(60)).withDrainDelay(ofSeconds(10));
        platform.add("api", null, ServiceState.RUNNING, 3, 3);

        run("api");

        assertThat(listener.worstCase).isEqualTo(ofSeconds(200));
        assertThat(platform.redeployed()).isEmpty();
        assertThat(platform.calls()).noneMatch(c -> c.startsWith("redeploy"));
    }
}
