package dev.zdd.cli.output;

import dev.zdd.platform.Container;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.Service;
import dev.zdd.probe.ProbeReport;
import dev.zdd.rollout.LbRestoration;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.Plan;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.ServiceOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.rollout.Target;
import dev.zdd.time.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Text for people and CI logs: the plan and progress on stderr, the summary on stdout. Progress is either
 * {@link LogLines} (one line per event) or, on a terminal, {@link LiveLines} (one line per service, redrawn in
 * place). A dry run's plan is its result, so it goes to stdout.
 */
public final class TextRenderer implements Renderer {

    /** How progress reaches stderr; {@link #finish()} comes once, when the run is over. */
    public interface Progress extends RolloutListener {
        default void finish() {
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    private final Verbosity verbosity;
    private final boolean dryRun;
    private final Progress progress;
    private final Instant started;

    public TextRenderer(PrintWriter out, PrintWriter err, Clock clock, Verbosity verbosity, boolean dryRun,
                 Progress progress) {
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.verbosity = verbosity;
        this.dryRun = dryRun;
        this.progress = progress;
        this.started = clock.instant();
    }

    /** What progress lines are prefixed with: the service, and the container with --per-container. */
    static String label(Target target, Container container) {
        return target.label() + (container == null ? "" : "/" + container.name());
    }

    @Override
    public void plan(Plan plan) {
        boolean dryRun = plan.dryRun();
        if (verbosity.quiet() && !dryRun) {
            return;
        }
        List<Target> targets = plan.targets();
        RolloutSettings settings = plan.settings();
        Duration worstCase = plan.worstCase();
        PrintWriter to = dryRun ? out : err;
        String order = !plan.hasWaves() ? " one after another"
                : plan.waves().size() == 1 ? " at once, in one wave"
                : " in " + plan.waves().size() + " waves (a wave's services at once, the waves one after another)";
        to.println((dryRun ? "Dry run, nothing will be redeployed. Plan: " : "Plan: ") + count(targets.size())
                   + order + "; drain " + Durations.setting(settings.drainDelay())
                   + ", timeout " + Durations.setting(settings.timeout())
                   + ", poll every " + Durations.setting(settings.pollInterval())
                   + (settings.deadline() == null ? "" : ", deadline " + Durations.setting(settings.deadline()))
                   + "; worst case " + Durations.setting(worstCase));
        int width = targets.stream().mapToInt(t -> t.label().length()).max().orElse(0);
        int n = 0;
        for (int w = 0; w < plan.waves().size(); w++) {
            if (plan.hasWaves()) {
                to.println("  wave " + (w + 1) + ":");
            }
            String indent = plan.hasWaves() ? "    " : "  ";
            for (Target target : plan.waves().get(w)) {
                Service service = target.service();
                to.printf("%s%d. %-" + width + "s  %s  %s %d/%d%n", indent, ++n, target.label(), service.id(),
                        service.stateLabel(), service.running(), service.target());
                String image = image(target.image());
                if (image != null) {
                    to.println(indent + "   " + " ".repeat(width) + "  image " + image);
                }
                boolean severalLbs = plan.lbServers().values().stream().flatMap(List::stream)
                        .map(Plan.LbEntry::lb).distinct().count() > 1;
                for (Plan.LbEntry entry : plan.lbServers(target)) {
                    LoadBalancer.Server server = entry.server();
                    to.println(indent + "   lb: " + server.id()
                               + (server.address() == null ? "" : " at " + server.address()) + ": " + server.status()
                               + ", " + server.sessions() + (server.sessions() == 1 ? " session" : " sessions")
                               + (severalLbs ? " (" + entry.lb() + ")" : ""));
                }
            }
        }
        to.flush();
    }

    /** The image now and the one the redeploy rolls out, or null when the platform said nothing of them. */
    private static String image(ImagePlan plan) {
        if (plan.after() == null) {
            return null;
        }
        if (plan.before() == null) {
            return "-> " + plan.after();
        }
        if (plan.changes()) {
            return plan.before() + " -> " + plan.after();
        }
        // A tag without a digest is pulled again by whoever starts the new containers.
        return plan.after() + (plan.after().contains("@") ? " (unchanged)" : " (its tag pulled again)");
    }

    @Override
    public void redeploying(Target target, Container container) {
        if (!verbosity.quiet()) {
            progress.redeploying(target, container);
        }
    }

    @Override
    public void stateChanged(Target target, Container container, String state) {
        if (!verbosity.quiet()) {
            progress.stateChanged(target, container, state);
        }
    }

    @Override
    public void ready(Target target, Container container, Duration sinceRedeploy) {
        if (!verbosity.quiet()) {
            progress.ready(target, container, sinceRedeploy);
        }
    }

    @Override
    public void draining(Target target, Duration delay) {
        if (!verbosity.quiet()) {
            progress.draining(target, delay);
        }
    }

    @Override
    public void lbDraining(Target target, Container container, List<String> servers) {
        if (!verbosity.quiet()) {
            progress.lbDraining(target, container, servers);
        }
    }

    @Override
    public void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                          int sessionsLeft) {
        if (!verbosity.quiet()) {
            progress.lbDrained(target, container, took, sessions, timedOut, sessionsLeft);
        }
    }

    @Override
    public void lbUp(Target target, Container container, Duration took) {
        if (!verbosity.quiet()) {
            progress.lbUp(target, container, took);
        }
    }

    @Override
    public void failed(Target target, String reason) {
        progress.failed(target, reason);
    }

    @Override
    public void detail(Target target, String message) {
        if (verbosity.verbose()) {
            progress.detail(target, message);
        }
    }

    @Override
    public void runEnded() {
        progress.finish();
    }

    @Override
    public void summary(RolloutReport report, List<ProbeReport> probes, Verdict verdict) {
        List<ServiceReport> services = report.services();
        int width = services.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (ServiceReport service : services) {
            StringBuilder line = new StringBuilder(String.format("%-" + width + "s  %-11s", service.name(),
                    service.outcome().wireName()));
            if (service.outcome() != ServiceOutcome.NOT_STARTED) {
                line.append("  ").append(Durations.measured(service.took()));
            }
            if (service.reason() != null) {
                line.append("  ").append(service.reason());
            }
            // Only a change is news: a service redeployed on the image it had says nothing more.
            if (service.image() != null && !service.image().equals(service.imageBefore())
                && service.outcome() != ServiceOutcome.NOT_STARTED) {
                line.append("  image ").append(service.image());
            }
            out.println(line.toString().stripTrailing());
        }
        for (ProbeReport probe : probes) {
            out.println("probe " + probe.url() + ": " + probe.requests() + " requests, " + probe.failures()
                        + " failed, longest outage " + probe.longestOutageMs() + " ms"
                        + (probe.latencyP50Ms() < 0 ? "" : ", latency p50 " + probe.latencyP50Ms() + " ms, p99 "
                                                           + probe.latencyP99Ms() + " ms"));
        }
        for (LbRestoration server : report.lbRestored()) {
            out.println(server.restored()
                    ? "lb: " + server.server() + " set ready again in " + server.lb() + " (the run ended while it was drained)"
                    : "lb: " + server.server() + " is still drained in " + server.lb() + ": " + server.failure()
                      + "; set it ready by hand");
        }
        long redeployed = services.stream().filter(s -> s.outcome() == ServiceOutcome.REDEPLOYED).count();
        out.println(verdict.outcome() + ": " + (dryRun
                ? "dry run, nothing redeployed"
                : redeployed + " of " + count(services.size()) + " redeployed")
                    + " in " + Durations.measured(Duration.between(started, clock.instant())));
        out.flush();
    }

    private static String count(int services) {
        return services + (services == 1 ? " service" : " services");
    }
}
