package dev.zdd.cli.sandbox;

import dev.zdd.cli.common.DurationConverter;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.wiring.Connection;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.Target;
import dev.zdd.sandbox.HealthCheck;
import dev.zdd.sandbox.Sandbox;
import dev.zdd.time.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zdd demo}: shows, on the in-process sandbox, what a naive redeploy costs and what {@code zdd redeploy}
 * saves. Steady load goes through the sandbox's load balancer while both services are redeployed at once, then
 * again while zdd rolls them one after another; both outcomes are printed side by side.
 */
@Command(name = "demo", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Starts the sandbox in-process, puts load through its load balancer, redeploys its services"
                       + " naively (all at once) and then with zdd redeploy, and prints both outcomes side by side:"
                       + " requests, failed requests, longest outage, total time. Exits 0 when the zdd run had no"
                       + " failed request."})
public final class DemoCommand implements Callable<Integer> {

    /** The sandbox's services, which both sides redeploy. */
    private static final List<String> SERVICES = List.of("web-1", "web-2");
    private static final Duration LEAD_IN = Duration.ofMillis(500);
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOOK_INTERVAL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Mixin
    SandboxTimings timings;

    @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "10ms",
            converter = DurationConverter.class,
            description = "One request through the load balancer every interval (default ${DEFAULT-VALUE}).")
    Duration probeInterval;

    private final Environment env;

    public DemoCommand(Environment env) {
        this.env = env;
    }

    /** One side of the table. */
    private record Outcome(ProbeReport probe, Duration took) {
    }

    @Override
    public Integer call() throws IOException {
        if (probeInterval.isZero()) {
            throw new ParameterException(spec.commandLine(), "--probe-interval must be longer than 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HealthCheck check = timings.healthCheck();
        Cancellation cancellation = new Cancellation();
        Thread demo = Thread.currentThread();
        try (Sandbox sandbox = timings.applyTo(Sandbox.builder()).services(SERVICES).clock(env.clock())
                .sleeper(env.sleeper()).build().start();
             Interrupts.Registration signals = env.interrupts().onInterrupt(() -> {
                 cancellation.request();
                 demo.interrupt();
             })) {
            // Like every command, the demo gets its platform client from the factory: the real Tutum adapter.
            Platform platform = env.platforms().open(Connection.loopbackTutum(sandbox.apiUrl(),
                    basic(sandbox.user(), sandbox.apiKey()), "the sandbox", sandbox.streamUrl()));
            err.printf("[demo] sandbox: API %s, load balancer %s, one request every %s through it%n",
                    sandbox.apiUrl(), sandbox.lbUrl(), Durations.setting(probeInterval));

            err.println("[demo] naive: redeploying " + String.join(" and ", SERVICES) + " at once");
            Outcome naive = measure(sandbox, () -> redeployAllAtOnce(platform));

            // Back and ready, and then as long again for the balancer to take it back: zdd's drain delay.
            Duration drain = timings.warmup.plus(check.interval().multipliedBy(check.rise() + 2L));
            err.println("[demo] zdd: redeploy " + String.join(" ", SERVICES) + " --drain-delay "
                        + Durations.setting(drain));
            RolloutReport[] rollout = new RolloutReport[1];
            Outcome zdd = measure(sandbox, () -> rollout[0] = new Rollout(platform, env.clock(), env.sleeper())
                    .run(SERVICES, settings(drain), new Progress(err), cancellation));

            printTable(out, naive, zdd);
            if (rollout[0].outcome() != RunOutcome.SUCCESS) {
                out.println("zdd redeploy did not finish: " + rollout[0].outcome().wireName());
                return ExitCodes.of(rollout[0]);
            }
            out.println(zdd.probe().failures() == 0
                    ? "zdd redeploy: no failed request."
                    : "zdd redeploy: " + zdd.probe().failures() + " failed requests.");
            return zdd.probe().failures() == 0 ? ExitCodes.SUCCESS : ExitCodes.DOWNTIME;
        } catch (InterruptedException e) {
            err.println("[demo] interrupted");
            return ExitCodes.INTERRUPTED;
        } catch (TimeoutException e) {
            err.println("zdd: demo: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** Something the demo does while the prober measures. */
    @FunctionalInterface
    private interface Step {
        void run() throws InterruptedException, TimeoutException;
    }

    /**
     * Probes the load balancer from a moment before the step until every container is back in its rotation: the
     * time until traffic is whole again, the same yardstick for both sides.
     */
    private Outcome measure(Sandbox sandbox, Step step) throws InterruptedException, TimeoutException {
        AvailabilityProber prober = new AvailabilityProber(List.of(sandbox.lbUrl()),
                new ProbeSettings(probeInterval, Duration.ofSeconds(2)), env.clock(), env.sleeper());
        prober.start();
        try {
            env.sleeper().sleep(LEAD_IN);
            Instant start = env.clock().instant();
            step.run();
            awaitUntil(() -> sandbox.inRotation().size() == sandbox.containerPorts().size(),
                    "every container back in the load balancer's rotation");
            Duration took = Duration.between(start, env.clock().instant());
            return new Outcome(prober.stop().get(0), took);
        } finally {
            prober.close(); // the same reports again when already stopped; ends the probing when the step failed
        }
    }

    /** What an impatient operator does: redeploy everything now, then wait until the platform says Running. */
    private void redeployAllAtOnce(Platform platform) throws InterruptedException, TimeoutException {
        List<Service> services = platform.services().stream().filter(s -> SERVICES.contains(s.name())).toList();
        List<Redeployment> redeployments = new ArrayList<>();
        for (Service service : services) {
            redeployments.add(platform.redeploy(service, true));
        }
        awaitUntil(() -> redeployments.stream().map(r -> platform.action(r.actionId())).map(Action::state)
                        .allMatch(state -> state == ActionState.SUCCESS)
                         && services.stream().allMatch(s -> platform.service(s.id()).isFullyRunning()),
                "both services Running again");
    }

    private RolloutSettings settings(Duration drain) {
        return RolloutSettings.defaults().withDrainDelay(drain).withPollInterval(Duration.ofMillis(250))
                .withTimeout(PHASE_TIMEOUT);
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds();
    }

    private void awaitUntil(Condition condition, String what) throws InterruptedException, TimeoutException {
        Instant deadline = env.clock().instant().plus(PHASE_TIMEOUT);
        while (!condition.holds()) {
            if (env.clock().instant().isAfter(deadline)) {
                throw new TimeoutException("gave up waiting for " + what + " after "
                                           + Durations.setting(PHASE_TIMEOUT));
            }
            env.sleeper().sleep(LOOK_INTERVAL);
        }
    }

    private static void printTable(PrintWriter out, Outcome naive, Outcome zdd) {
        String row = "%-20s %16s %16s%n";
        out.printf(row, "", "naive redeploy", "zdd redeploy");
        out.printf(row, "requests", naive.probe().requests(), zdd.probe().requests());
        out.printf(row, "failed requests", naive.probe().failures(), zdd.probe().failures());
        out.printf(row, "longest outage", naive.probe().longestOutageMs() + " ms", zdd.probe().longestOutageMs() + " ms");
        out.printf(row, "total time", Durations.measured(naive.took()), Durations.measured(zdd.took()));
    }

    private static String basic(String user, String key) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** zdd's progress, one line per event, as {@code zdd redeploy} shows it. */
    private record Progress(PrintWriter err) implements RolloutListener {

        @Override
        public void stateChanged(Target target, Container container, String state) {
            err.println("[zdd] " + target.label() + " " + state);
        }

        @Override
        public void ready(Target target, Container container, Duration sinceRedeploy) {
            err.println("[zdd] " + target.label() + " back after " + Durations.measured(sinceRedeploy));
        }

        @Override
        public void draining(Target target, Duration delay) {
            err.println("[zdd] " + target.label() + " draining " + Durations.setting(delay));
        }

        @Override
        public void failed(Target target, String reason) {
            err.println("[zdd] " + target.label() + " failed: " + reason);
        }
    }
}
