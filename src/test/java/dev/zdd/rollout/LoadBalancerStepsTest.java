package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.FAILED;
import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ActionState.SUCCESS;
import static dev.zdd.platform.ServiceState.PARTLY_RUNNING;
import static dev.zdd.platform.ServiceState.REDEPLOYING;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.Container;
import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load balancer decides the pace: each step drains its servers until their sessions are 0 (at most the drain
 * timeout), redeploys, and after the gate sets them ready and waits until UP; whatever ends the run, no server stays
 * drained. All on the fake clock: a look every 250 ms costs no time.
 */
class LoadBalancerStepsTest {

    private final FakeTime time = new FakeTime();
    private final Instant start = time.instant();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private final FakeLoadBalancer lb = new FakeLoadBalancer(time);
    private final Cancellation cancellation = new Cancellation();
    private final List<String> redeploys = new ArrayList<>();
    private RolloutSettings settings = RolloutSettings.defaults().withDrainDelay(Duration.ZERO);
    private List<LoadBalancing.ServerRule> rules = List.of();
    private Duration drainTimeout = LoadBalancing.DEFAULT_DRAIN_TIMEOUT;

    /** web-N with one container, on 127.0.0.1:10000 + its place, its server app/web-N-1 at that address. */
    private Service service(String name) {
        Service service = platform.add(name);
        Container container = platform.containers(service).get(0);
        lb.add("app", container.name(), container.httpEndpoints().get(0).getHost() + ":"
                                        + container.httpEndpoints().get(0).getPort());
        return service;
    }

    private RolloutReport run(String... arguments) {
        return runWaves(List.of(arguments).stream().map(List::of).toList());
    }

    private RolloutReport runWaves(List<List<String>> waves) {
        RolloutListener timing = new RolloutListener() {
            @Override
            public void plan(Plan plan) {
                listener.plan(plan);
            }

            @Override
            public void redeploying(Target target, Container container) {
                redeploys.add(target.label() + (container == null ? "" : "/" + container.name()) + " @"
                              + Duration.between(start, time.instant()).toMillis() + "ms");
                listener.redeploying(target, container);
            }

            @Override
            public void ready(Target target, Container container, Duration since) {
                listener.ready(target, container, since);
            }

            @Override
            public void lbDraining(Target target, Container container, List<String> servers) {
                listener.lbDraining(target, container, servers);
            }

            @Override
            public void lbDrained(Target target, Container container, Duration took, int sessions,
                                  boolean timedOut, int left) {
                listener.lbDrained(target, container, took, sessions, timedOut, left);
            }

            @Override
            public void lbUp(Target target, Container container, Duration took) {
                listener.lbUp(target, container, took);
            }

            @Override
            public void failed(Target target, String reason) {
                listener.failed(target, reason);
            }

            @Override
            public void detail(Target target, String message) {
                listener.detail(target, message);
            }
        };
        return new Rollout(platform, time, time)
                .withLoadBalancing(new LoadBalancing(List.of(lb), rules, drainTimeout))
                .runWaves(waves, settings, timing, cancellation);
    }

    @Test
    void drainsUntilTheSessionsAreZero_thenRedeploys_thenWaitsUntilUpBeforeTheNext() {
        Service web1 = service("web-1");
        Service web2 = service("web-2");
        platform.healthy(web1, ofSeconds(2)).healthy(web2, ofSeconds(2));
        lb.server("app/web-1-1").sessions(3, ofMillis(1600));
        lb.server("app/web-1-1").upAfter(ofMillis(700));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // The drain's looks are 250 ms apart: sessions are 0 at the look at 1750 ms, and only then the redeploy.
        // web-1 is back at 3750 ms (its redeploy + 2 s, at a poll: ready counts from the redeploy), set ready, UP
        // at the look 750 ms later.
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @3750ms",
                "drain app/web-2-1 @4500ms", "ready app/web-2-1 @6500ms");
        assertThat(redeploys).containsExactly("web-1 @1750ms", "web-2 @4500ms");
        assertThat(listener.events).containsSubsequence("lb-drain web-1 [app/web-1-1]",
                "lb-drained web-1 1750ms sessions=3", "redeploy web-1", "ready web-1 2000ms",
                "lb-up web-1 750ms", "lb-drain web-2 [app/web-2-1]", "lb-drained web-2 0ms sessions=0",
                "redeploy web-2", "lb-up web-2 1000ms");
        assertThat(report.lbRestored()).as("every step set its own servers ready").isEmpty();
    }

    @Test
    void theLoadBalancersUp_isNoEvidence_toGoOnWhileThePlatformStillWatchesTheRedeploy() {
        // A task that restarts faster than HAProxy's checks notice leaves its server UP all along: that UP may be
        // older than the new task's listening socket, so with --lb alone each step waits for the platform's watch
        // (Swarm's monitor period) to end, as without --lb.
        Service web1 = service("web-1");
        Service web2 = service("web-2");
        platform.healthy(web1, ofSeconds(2)).healthy(web2, ofSeconds(2));
        platform.watches(web1, ofSeconds(10)).watches(web2, ofSeconds(10));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(redeploys).hasSize(2);
        long second = Long.parseLong(redeploys.get(1).replaceAll(".*@(\\d+)ms", "$1"));
        assertThat(second).as("web-2 goes only after web-1's watch ended").isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void aDrainThatOutlastsTheDrainTimeoutGoesOnAndSaysSo() {
        drainTimeout = ofSeconds(5);
        Service web1 = service("web-1");
        platform.healthy(web1, ofSeconds(1));
        lb.server("app/web-1-1").sessions(2, ofSeconds(3600));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(redeploys).containsExactly("web-1 @5000ms");
        assertThat(listener.events).contains("lb-drained web-1 5000ms sessions=2 timed out, left=2");
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @6000ms");
    }

    @Test
    void aServerThatNeverComesUpTimesTheStepOut_isSetReady_andNothingAfterItIsTouched() {
        settings = settings.withTimeout(ofSeconds(20));
        Service web1 = service("web-1");
        service("web-2");
        platform.healthy(web1, ofSeconds(2));
        lb.server("app/web-1-1").upAfter(null);

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.services()).extracting(ServiceReport::outcome)
                .containsExactly(ServiceOutcome.TIMED_OUT, ServiceOutcome.NOT_STARTED);
        assertThat(report.services().get(0).reason())
                .isEqualTo("not UP in the load balancer: app/web-1-1 DOWN (L4CON); not back within --timeout 20s");
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @2000ms");
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(report.lbRestored()).as("it was set ready before the wait for UP").isEmpty();
    }

    @Test
    void aFailedRedeploySetsTheDrainedServersReadyAgain_andTheSummarySaysSo() {
        Service web1 = service("web-1");
        service("web-2");
        platform.script(web1, new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(3), PARTLY_RUNNING, 0, FAILED, true));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @3000ms");
        assertThat(report.lbRestored()).containsExactly(new LbRestoration("app/web-1-1", "fake-lb", null));
        assertThat(lb.server("app/web-2-1").drainedAt).as("web-2 never drained").isNull();
    }

    @Test
    void aTimeoutSetsTheDrainedServersReadyAgain() {
        settings = settings.withTimeout(ofSeconds(10));
        Service web1 = service("web-1");
        platform.script(web1, new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @10000ms");
        assertThat(report.lbRestored()).extracting(LbRestoration::server).containsExactly("app/web-1-1");
    }

    @Test
    void anInterruptWhileDrainedSetsTheServersReadyAgain_beforeTheRunReturns() {
        Service web1 = service("web-1");
        service("web-2");
        platform.healthy(web1, ofSeconds(2));
        lb.server("app/web-1-1").sessions(4, ofSeconds(60));
        time.onSleep(nap -> {
            if (time.totalSlept().equals(ofSeconds(1))) {
                cancellation.request(); // Ctrl-C, one second into the drain
            }
        });

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(platform.redeployed()).as("the drain never ended: nothing redeployed").isEmpty();
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @1000ms");
        assertThat(report.lbRestored()).containsExactly(new LbRestoration("app/web-1-1", "fake-lb", null));
        assertThat(Thread.currentThread().isInterrupted()).as("no interrupt leaks out of the run").isFalse();
    }

    @Test
    void anInterruptWhileRedeployingSetsTheServersReadyAgain() {
        Service web1 = service("web-1");
        platform.healthy(web1, ofSeconds(30));
        time.onSleep(nap -> {
            if (time.totalSlept().equals(ofSeconds(5))) {
                cancellation.request();
            }
        });

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @5000ms");
        assertThat(report.lbRestored()).extracting(LbRestoration::restored).containsExactly(true);
    }

    @Test
    void aPlatformApiThatBreaksMidRunStillLeavesNoServerDrained() {
        Service web1 = service("web-1");
        platform.failRedeploy(web1, PlatformException.transport("POST", "/api/v1/service/x/redeploy/",
                "connection reset", new java.io.IOException("connection reset")));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @0ms");
        assertThat(report.lbRestored()).extracting(LbRestoration::server).containsExactly("app/web-1-1");
    }

    @Test
    void aBugThatThrowsOutOfAWaveStillLeavesNoServerDrained() {
        Service web1 = service("web-1");
        platform.healthy(web1, ofSeconds(2));
        platform.announcing(new dev.zdd.platform.Changes() {
            @Override
            public boolean live() {
                return true;
            }

            @Override
            public java.util.Set<String> awaitChange(java.util.Set<String> ids, Duration within) {
                throw new IllegalStateException("a bug in the events stream");
            }

            @Override
            public void close() {
            }
        });

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.cause()).hasMessage("a bug in the events stream");
        assertThat(report.services()).extracting(ServiceReport::outcome).containsExactly(ServiceOutcome.FAILED);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @0ms");
        assertThat(report.lbRestored()).extracting(LbRestoration::restored).containsExactly(true);
    }

    @Test
    void aLoadBalancerThatDisappearsWhileDrainingFailsTheStepBeforeTheRedeploy_andTheSummarySaysItIsStillDrained() {
        Service web1 = service("web-1");
        service("web-2");
        platform.healthy(web1, ofSeconds(2));
        lb.server("app/web-1-1").sessions(1, ofSeconds(60));
        lb.goneAfter(ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).isEmpty();
        assertThat(report.services().get(0).reason())
                .isEqualTo("not redeployed: the load balancer failed while draining: fake-lb: connection refused"
                           + " (is HAProxy running?)");
        assertThat(report.lbRestored()).containsExactly(new LbRestoration("app/web-1-1", "fake-lb",
                "fake-lb: connection refused (is HAProxy running?)"));
    }

    @Test
    void aLoadBalancerThatDisappearsAfterTheRedeployFailsTheStep_andNothingAfterIsTouched() {
        Service web1 = service("web-1");
        service("web-2");
        platform.healthy(web1, ofSeconds(2));
        lb.goneAfter(ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(report.services().get(0).reason()).startsWith("the load balancer failed while zdd waited for UP");
        assertThat(report.lbRestored()).singleElement().satisfies(r -> assertThat(r.restored()).isFalse());
    }

    @Test
    void aTargetWithoutAServerInTheLoadBalancerIsRefused_sayingWhatZddLookedFor() {
        service("web-1");
        platform.add("web-2");

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(LbPreflightException.class).hasMessage(
                "web-2: no server in the load balancer is its: looked for a server at 127.0.0.1:10001 or a server"
                + " named web-2-1 in fake-lb, whose backends are app; name its servers with --lb-server"
                + " web-2=BACKEND/SERVER");
        assertThat(lb.orders).isEmpty();
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void aLoadBalancerThatCantBeReadRefusesTheRun() {
        service("web-1");
        lb.goneAfter(Duration.ZERO);

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(PreflightException.class)
                .hasMessage("the load balancer could not be read, so zdd can't drain anything: fake-lb: connection"
                            + " refused (is HAProxy running?)");
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void aServerSomeoneDrainedIsRefused_unlessForced() {
        Service web1 = service("web-1");
        platform.healthy(web1, ofSeconds(1));
        lb.server("app/web-1-1").status("DRAIN");

        RolloutReport refused = run("web-1");

        assertThat(refused.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(refused.cause()).hasMessageStartingWith("web-1: server app/web-1-1 in fake-lb is DRAIN: someone"
                                                           + " took it out of rotation");
        settings = settings.withForce(true);
        assertThat(run("web-1").outcome()).isEqualTo(RunOutcome.SUCCESS);
    }

    @Test
    void serversNamedWithLbServer_everyServerOfABackendWithAStar() {
        Service web1 = platform.add("web-1");
        platform.healthy(web1, ofSeconds(1));
        lb.add("blue", "a", "10.0.0.1:80");
        lb.add("blue", "b", "10.0.0.2:80");
        lb.add("green", "a", "10.0.0.3:80");
        rules = List.of(LoadBalancing.ServerRule.parse("web-1=blue/*"));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(lb.orders).containsExactly("drain blue/a @0ms", "drain blue/b @0ms", "ready blue/a @1000ms",
                "ready blue/b @1000ms");
    }

    @Test
    void aRuleThatNamesNoServiceOfTheRun_orNoServer_isRefused() {
        service("web-1");
        rules = List.of(LoadBalancing.ServerRule.parse("wbe-1=app/web-1-1"));
        assertThat(run("web-1").cause()).hasMessage("--lb-server wbe-1=app/web-1-1 names no service of this run");

        rules = List.of(LoadBalancing.ServerRule.parse("web-1=api/*"));
        assertThat(run("web-1").cause()).hasMessageStartingWith("web-1: no server in the load balancer is its:"
                                                                + " looked for --lb-server web-1=api/*");
    }

    @Test
    void withPerContainerEachStepDrainsOnlyItsContainersServer() {
        settings = settings.withPerContainer(true);
        Service api = platform.add("api", null, ServiceState.RUNNING, 2, 2);
        platform.healthyContainers(api, ofSeconds(1));
        for (Container container : platform.containers(api)) {
            lb.add("app", container.name(), "127.0.0.1:" + container.httpEndpoints().get(0).getPort());
        }

        RolloutReport report = run("api");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(lb.orders).containsExactly("drain app/api-1 @0ms", "ready app/api-1 @1000ms",
                "drain app/api-2 @2000ms", "ready app/api-2 @3000ms");
        assertThat(listener.events).contains("lb-drain api/api-1 [app/api-1]", "lb-up api/api-2 1000ms");
    }

    @Test
    void onAPlatformThatListsNoContainersAServerNamedAfterTheServiceIsIts() {
        platform.withCapabilities(new Platform.Capabilities(false, false, "Swarm rolls its tasks itself"));
        Service web1 = platform.add("web-1");
        platform.healthy(web1, ofSeconds(1));
        lb.add("app", "web-1", "127.0.0.1:18601");

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(lb.orders).containsExactly("drain app/web-1 @0ms", "ready app/web-1 @1000ms");
        assertThat(platform.calls()).noneMatch(c -> c.startsWith("containers"));
    }

    @Test
    void aDryRunListsEachServicesServersAndTouchesNothing() {
        settings = settings.withDryRun(true);
        service("web-1");
        lb.server("app/web-1-1").sessions(2, Duration.ZERO);

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.plan.lbServers(listener.planned.get(0))).singleElement().satisfies(entry -> {
            assertThat(entry.lb()).isEqualTo("fake-lb");
            assertThat(entry.server()).isEqualTo(new LoadBalancer.Server("app", "web-1-1", "127.0.0.1:10000", "UP",
                    2, "L7OK"));
        });
        assertThat(lb.orders).isEmpty();
    }

    @Test
    void aStepTheInvariantRefusesDrainsNothing() {
        settings = settings.withTimeout(ofSeconds(5));
        Service web1 = service("web-1");
        service("web-2");
        // Another pipeline takes web-1 down again just after it is back: web-2 must not be touched, nor drained.
        platform.script(web1, new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(1), ServiceState.RUNNING, 1, SUCCESS, true),
                new Frame(ofMillis(1500), REDEPLOYING, 0, SUCCESS, true));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "ready app/web-1-1 @1000ms");
        assertThat(lb.server("app/web-2-1").drainedAt).isNull();
    }

    @Test
    void theServicesOfAWaveDrainTogether() {
        Service web1 = service("web-1");
        Service api1 = service("api-1");
        platform.healthy(web1, ofSeconds(1)).healthy(api1, ofSeconds(2));

        RolloutReport report = runWaves(List.of(List.of("web-1", "api-1")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(lb.orders).containsExactly("drain app/web-1-1 @0ms", "drain app/api-1-1 @0ms",
                "ready app/web-1-1 @1000ms", "ready app/api-1-1 @2000ms");
    }

    @Test
    void aServerAReloadReplacedIsForgotten_andItsNewNamesakeByAddressMustBeUp() {
        Service web1 = service("web-1");
        platform.healthy(web1, ofSeconds(2));
        // One second into the redeploy, a reload renames the server; it keeps the container's address.
        time.onSleep(nap -> {
            if (time.totalSlept().equals(ofSeconds(1)) && lb.server("app/web-1-1") != null) {
                lb.remove("app/web-1-1");
                lb.add("app", "srv-7", "127.0.0.1:10000").upAfter(null).status("UP");
            }
        });

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.details).contains("web-1: server app/web-1-1 in fake-lb is gone from the load balancer");
        assertThat(report.lbRestored()).isEmpty();
    }
}
