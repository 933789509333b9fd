package dev.zdd.cli.sandbox;

import dev.zdd.cli.common.DurationConverter;
import dev.zdd.Version;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.common.Problems;
import dev.zdd.cli.common.ReportOutput;
import dev.zdd.cli.output.JsonRenderer;
import dev.zdd.cli.output.Tee;
import dev.zdd.cli.output.Verdict;
import dev.zdd.cli.wiring.Connection;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.lb.HaproxyStatsPage;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import dev.zdd.report.EventLog;
import dev.zdd.report.Report;
import dev.zdd.report.Timeline;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancing;
import dev.zdd.rollout.Plan;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.rollout.Target;
import dev.zdd.sandbox.Sandbox;
import dev.zdd.time.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zdd demo}: shows, on the in-process sandbox, what a naive redeploy costs and what {@code zdd redeploy}
 * saves. Steady load goes through the sandbox's load balancer while both services are redeployed at once, then
 * again while zdd rolls them one after another, paced by that load balancer ({@code --lb} on its stats page: each
 * service drained before its redeploy, the next one only once it is UP again); both outcomes are printed side by
 * side.
 */
@Command(name = "demo", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Starts the sandbox in-process, puts load through its load balancer, redeploys its services"
                       + " naively (all at once) and then with zdd redeploy --lb (paced by the load balancer's stats"
                       + " page), and prints both outcomes side by side:"
                       + " requests, failed requests, longest outage, total time. Exits 0 when the zdd run had no"
                       + " failed request."})
public final class DemoCommand implements Callable<Integer> {

    /** The sandbox's services, which both sides redeploy. */
    private static final List<String> SERVICES = List.of("web-1", "web-2");
    /** The one image both services run: the zdd side ships a new push of it. */
    private static final String IMAGE = "sandbox/web:latest";
    private static final Duration LEAD_IN = Duration.ofMillis(500);
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOOK_INTERVAL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Mixin
    SandboxTimings timings;

    @Option(names = "--report", paramLabel = "FILE", description = ReportOutput.DESCRIPTION
                                                                   + " Both runs are drawn on one scale.")
    Path report;

    @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "10ms",
            converter = DurationConverter.class,
            description = "One request through the load balancer every interval (default ${DEFAULT-VALUE}).")
    Duration probeInterval;

    private final Environment env;

    // The two runs' JSON events, as zdd redeploy --output json would print them, for --report.
    private final EventLog naiveEvents = new EventLog();
    private final EventLog zddEvents = new EventLog();
    private String zddTitle = "zdd redeploy";

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
        ReportOutput.check(spec.commandLine(), report);
        Instant started = env.clock().instant();
        Integer exitCode = null;
        try {
            exitCode = demo();
            return exitCode;
        } finally {
            if (report != null) {
                writeReport(started, exitCode);
            }
        }
    }

    private int demo() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Cancellation cancellation = new Cancellation();
        Thread demo = Thread.currentThread();
        try (Sandbox sandbox = timings.applyTo(Sandbox.builder())
                .services(SERVICES.stream().map(name -> name + "=" + IMAGE).toList()).clock(env.clock())
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
            JsonRenderer naiveJson = renderer(naiveEvents);
            List<ServiceReport> naiveServices = new ArrayList<>();
            Outcome naive = measure(sandbox, naiveJson, () -> naiveServices.addAll(redeployAllAtOnce(platform,
                    naiveJson)));
            naiveJson.summary(naiveServices, List.of(naive.probe()), naive.probe().failures() == 0 ? "success"
                    : "downtime");

            String v2 = sandbox.push(IMAGE);
            err.println("[demo] pushed v2 of " + IMAGE + " to the sandbox's registry (" + v2.substring(
                    v2.indexOf('@') + 1) + "): zdd redeploy ships it, a redeploy pulls the tag's newest");
            // No guessed drain delay: the load balancer says when a service is out of rotation, and back in it.
            LoadBalancer balancer = new HaproxyStatsPage(sandbox.lbStatsUrl(), sandbox.user() + ":"
                                                                                + sandbox.apiKey());
            err.println("[demo] zdd: redeploy --lb " + sandbox.lbStatsUrl() + " " + String.join(" ", SERVICES));
            zddTitle = "zdd redeploy --lb " + sandbox.lbStatsUrl() + " " + String.join(" ", SERVICES);
            RolloutReport[] rollout = new RolloutReport[1];
            JsonRenderer zddJson = renderer(zddEvents);
            RolloutListener progress = Tee.of(RolloutListener.class, new Progress(err), zddJson);
            Outcome zdd = measure(sandbox, zddJson, () -> rollout[0] = new Rollout(platform, env.clock(),
                    env.sleeper()).withLoadBalancing(new LoadBalancing(List.of(balancer), List.of(),
                            LoadBalancing.DEFAULT_DRAIN_TIMEOUT))
                    .run(SERVICES, settings(), progress, cancellation));
            int exitCode = rollout[0].outcome() != RunOutcome.SUCCESS ? ExitCodes.of(rollout[0])
                    : zdd.probe().failures() == 0 ? ExitCodes.SUCCESS : ExitCodes.DOWNTIME;
            zddJson.summary(rollout[0], List.of(zdd.probe()), new Verdict(exitCode,
                    ExitCodes.outcome(rollout[0], exitCode),
                    rollout[0].cause() == null ? List.of() : Problems.describe(rollout[0].cause())));

            printTable(out, naive, zdd);
            if (rollout[0].outcome() != RunOutcome.SUCCESS) {
                out.println("zdd redeploy did not finish: " + rollout[0].outcome().wireName());
                return exitCode;
            }
            boolean shipped = sandbox.containerImages().values().stream().allMatch(v2::equals);
            out.println("zdd redeploy shipped v2, " + v2 + ": " + (shipped ? "every container serves it."
                    : "not every container serves it: " + sandbox.containerImages()));
            out.println(zdd.probe().failures() == 0
                    ? "zdd redeploy: no failed request."
                    : "zdd redeploy: " + zdd.probe().failures() + " failed requests.");
            return exitCode;
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
    private Outcome measure(Sandbox sandbox, JsonRenderer json, Step step)
            throws InterruptedException, TimeoutException {
        AvailabilityProber prober = new AvailabilityProber(List.of(sandbox.lbUrl()),
                new ProbeSettings(probeInterval, Duration.ofSeconds(2)), env.clock(), env.sleeper(), json::probe);
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

    /**
     * What an impatient operator does: redeploy everything now, then wait until the platform says Running. Tells
     * the events as zdd's would (a plan of one wave, each redeploy, each state seen), and returns when each service
     * was back.
     */
    private List<ServiceReport> redeployAllAtOnce(Platform platform, JsonRenderer json)
            throws InterruptedException, TimeoutException {
        List<Service> services = platform.services().stream().filter(s -> SERVICES.contains(s.name())).toList();
        List<Target> targets = services.stream().map(service -> new Target(service.name(), service)).toList();
        json.plan(new Plan(List.of(targets), false, RolloutSettings.defaults(), Duration.ZERO));
        Instant start = env.clock().instant();
        List<Redeployment> redeployments = new ArrayList<>();
        for (Target target : targets) {
            redeployments.add(platform.redeploy(target.service(), true));
            json.redeploying(target, null);
        }
        Map<String, String> seen = new HashMap<>();
        Map<String, Duration> back = new HashMap<>();
        awaitUntil(() -> {
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                Service now = platform.service(target.id());
                if (!now.stateLabel().equals(seen.put(target.id(), now.stateLabel()))) {
                    json.stateChanged(target, null, now.stateLabel());
                }
                if (!back.containsKey(target.id()) && now.isFullyRunning()
                    && platform.action(redeployments.get(i).actionId()).state() == ActionState.SUCCESS) {
                    back.put(target.id(), Duration.between(start, env.clock().instant()));
                }
            }
            return back.size() == targets.size();
        }, "both services Running again");
        return targets.stream().map(target -> new ServiceReport(target.label(), target.id(),
                ServiceOutcome.REDEPLOYED, back.get(target.id()), null)).toList();
    }

    private JsonRenderer renderer(EventLog events) {
        JsonRenderer json = new JsonRenderer(null, env.clock(), events);
        json.platform("sandbox");
        return json;
    }

    /** The page: both runs, one above the other on one scale, under the demo's own outcome and exit code. */
    private void writeReport(Instant started, Integer exitCode) {
        List<Timeline> runs = new ArrayList<>();
        if (!naiveEvents.isEmpty()) {
            runs.add(Report.timeline("Naive: " + String.join(" and ", SERVICES) + " redeployed at once",
                    naiveEvents.events()));
        }
        if (!zddEvents.isEmpty()) {
            runs.add(Report.timeline(zddTitle, zddEvents.events()));
        }
        if (runs.isEmpty()) {
            runs.add(Report.timeline("Nothing ran", List.of()));
        }
        Instant end = runs.get(runs.size() - 1).end();
        String outcome = exitCode == null ? "failed" : switch (exitCode) {
            case ExitCodes.SUCCESS -> "success";
            case ExitCodes.DOWNTIME -> "downtime";
            case ExitCodes.INTERRUPTED -> "interrupted";
            default -> "failed";
        };
        Report.Facts facts = new Report.Facts(outcome, exitCode == null ? null : String.valueOf(exitCode),
                "sandbox (in-process)", Version.get(), started, Duration.between(started,
                        end.isAfter(started) ? end : started));
        ReportOutput.write(spec.commandLine().getErr(), report, new Report("zdd demo", facts, runs),
                UnaryOperator.identity());
    }

    private RolloutSettings settings() {
        return RolloutSettings.defaults().withDrainDelay(Duration.ZERO).withPollInterval(Duration.ofMillis(250))
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
        String row = "%-20s %16s %18s%n";
        out.printf(row, "", "naive redeploy", "zdd redeploy --lb");
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
        public void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                              int sessionsLeft) {
            err.println("[zdd] " + target.label() + " drained in the load balancer after " + Durations.measured(took)
                        + (timedOut ? ", " + sessionsLeft + " sessions still open" : ""));
        }

        @Override
        public void lbUp(Target target, Container container, Duration took) {
            err.println("[zdd] " + target.label() + " UP in the load balancer " + Durations.measured(took)
                        + " after it was set ready");
        }

        @Override
        public void failed(Target target, String reason) {
            err.println("[zdd] " + target.label() + " failed: " + reason);
        }
    }
}
