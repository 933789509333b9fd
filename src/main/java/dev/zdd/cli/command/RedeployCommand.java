package dev.zdd.cli.command;

import dev.zdd.cli.common.Diagnostics;
import dev.zdd.cli.common.DurationConverter;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.common.Problems;
import dev.zdd.cli.common.ReportOutput;
import dev.zdd.cli.common.UsageErrorListener;
import dev.zdd.cli.output.JsonRenderer;
import dev.zdd.cli.output.LiveLines;
import dev.zdd.cli.output.LogLines;
import dev.zdd.cli.output.OutputFormat;
import dev.zdd.cli.output.Renderer;
import dev.zdd.cli.output.Tee;
import dev.zdd.cli.output.TextRenderer;
import dev.zdd.cli.output.Verdict;
import dev.zdd.cli.wiring.Connection;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.cli.wiring.PlatformName;
import dev.zdd.cli.wiring.PlatformOptions;
import dev.zdd.cli.wiring.Secrets;
import dev.zdd.platform.ImageReference;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.Platform;
import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import dev.zdd.report.EventLog;
import dev.zdd.report.Report;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.LoadBalancing;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.time.Durations;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zdd redeploy SERVICE...}: parse, build the settings, run the engine, render. */
@Command(name = "redeploy", sortOptions = false, usageHelpAutoWidth = true,
        description = "Redeploys the services one after another, in the order given, so that some of them always serve.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.SUCCESS_DOC, ExitCodes.FAILED_DOC, ExitCodes.USAGE_DOC, ExitCodes.RESOLUTION_DOC,
            ExitCodes.PREFLIGHT_DOC, ExitCodes.PLATFORM_DOC, ExitCodes.DOWNTIME_DOC, ExitCodes.INTERRUPTED_DOC},
        footerHeading = "%nExamples:%n",
        footer = {
            "  zdd redeploy --dry-run web-1 web-2",
            "  zdd redeploy web-1,api-1,worker-1 web-2,api-2,worker-2",
            "  zdd redeploy --platform swarm --image registry.example.com/shop/web:2.1 web-1 web-2",
            "  zdd redeploy --drain-delay 15s --ready-path /health web-1.prod web-2.prod",
            "  zdd redeploy --lb unix:///run/haproxy/admin.sock web-1 web-2",
            "  zdd redeploy --output json web-1 | jq -c 'select(.event == \"summary\")'"
        })
public final class RedeployCommand implements Callable<Integer>, UsageErrorListener {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SERVICE",
            description = "A service name, NAME.STACK, or a full uuid. Terminated services are never candidates."
                          + " Comma-separated services form a wave, redeployed at once (web-1,api-1 web-2,api-2);"
                          + " the waves go one after another.")
    List<String> services;

    @Option(names = "--drain-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After a service is back, wait this long before touching the next (default 10s; 0s with"
                          + " --lb, where the load balancer says when a service is back in rotation).")
    Duration drainDelay;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Longest gap between two looks at a service while waiting (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long one service may take to come back (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the whole run may take (default none).")
    Duration deadline;

    @Option(names = "--per-container",
            description = "Redeploy the containers of each service one at a time, with the same readiness wait and"
                          + " drain delay between containers.")
    boolean perContainer;

    @Option(names = "--ready-path", paramLabel = "PATH",
            description = "After a container is Running, GET its published HTTP endpoint + PATH until it answers"
                          + " 2xx --ready-successes times in a row.")
    String readyPath;

    @Option(names = "--ready-url", paramLabel = "URL",
            description = "After a service (or container) is Running, GET this URL until it answers 2xx"
                          + " --ready-successes times in a row; repeatable.")
    List<String> readyUrls = new ArrayList<>();

    @Option(names = "--ready-successes", paramLabel = "N", defaultValue = "3",
            description = "Consecutive successes that make a readiness check pass (default ${DEFAULT-VALUE}).")
    int readySuccesses;

    @Option(names = "--probe", paramLabel = "URL",
            description = "Send GET requests to URL for the whole run and report requests, failures, the longest"
                          + " outage and latency p50/p99; repeatable.")
    List<String> probeUrls = new ArrayList<>();

    @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "100ms",
            converter = DurationConverter.class,
            description = "Start one probe request per URL every interval, without waiting for earlier answers"
                          + " (default ${DEFAULT-VALUE}).")
    Duration probeInterval;

    @Option(names = "--probe-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "A probe request with no answer by then counts as failed (default ${DEFAULT-VALUE}).")
    Duration probeTimeout;

    @Option(names = "--probe-budget", paramLabel = "N", defaultValue = "0",
            description = "Failed probe requests (all URLs together) tolerated before the run counts as having had"
                          + " downtime, exit 6 (default ${DEFAULT-VALUE}).")
    long probeBudget;

    @Option(names = "--force", description = "Start even when a target is not fully Running.")
    boolean force;

    @Option(names = "--no-reuse-volumes", description = "Pass reuse_volumes=false to the platform.")
    boolean noReuseVolumes;

    @Option(names = "--image", paramLabel = "REF",
            description = "Roll every named service to this image, each just before its own redeploy (Tutum and"
                          + " Docker Cloud: set the service's image, then redeploy; Swarm: set the spec's image,"
                          + " resolved to its digest).")
    String image;

    @Option(names = "--no-resolve-image",
            description = "Swarm: redeploy the image as the spec pins it, calling no registry. By default zdd asks"
                          + " the registry for the tag's current digest, with the docker CLI's credentials.")
    boolean noResolveImage;

    @Option(names = "--dry-run",
            description = "Resolve, run the preflight and print the plan, with read-only calls only.")
    boolean dryRun;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (NDJSON on stdout; default ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = "--report", paramLabel = "FILE", description = ReportOutput.DESCRIPTION)
    Path report;

    @Option(names = "--no-color",
            description = "No colour in the progress on a terminal (so does a non-empty NO_COLOR variable).")
    boolean noColor;

    @Mixin
    Diagnostics diagnostics;

    @Mixin
    PlatformOptions platformOptions;

    @Mixin
    LbOptions lbOptions;

    /** The shortest --poll-interval and --probe-interval: 20 requests a second, each. */
    static final Duration SHORTEST_INTERVAL = Duration.ofMillis(50);

    private final Environment env;
    private final Secrets secrets;

    public RedeployCommand(Environment env, Secrets secrets) {
        this.env = env;
        this.secrets = secrets;
    }

    @Override
    public Integer call() {
        CommandLine command = spec.commandLine();
        diagnostics.apply(command);
        LbOptions.Opened balancers = lbOptions.open(command, env, secrets, platformOptions.insecureHttp());
        try {
            return call(command, balancers.balancing());
        } finally {
            balancers.close();
        }
    }

    private int call(CommandLine command, LoadBalancing balancing) {
        RolloutSettings settings = settings(balancing.enabled());
        List<List<String>> waves = waves();
        List<URI> probes = probeUrls.stream().map(url -> httpUrl("--probe", url)).toList();
        requireAtLeast("--probe-interval", probeInterval, SHORTEST_INTERVAL);
        requirePositive("--probe-timeout", probeTimeout);
        if (probeBudget < 0) {
            throw new ParameterException(command, "--probe-budget must be 0 or more, not " + probeBudget);
        }
        ReportOutput.check(command, report);
        // With --report the run's JSON events are kept, whatever the output format, and the page is made of them.
        EventLog events = new EventLog();
        JsonRenderer json = output == OutputFormat.JSON || report != null
                ? new JsonRenderer(output == OutputFormat.JSON ? command.getOut() : null, env.clock(), events)
                : null;
        Renderer renderer = output == OutputFormat.JSON ? json
                : new TextRenderer(command.getOut(), command.getErr(), env.clock(), diagnostics.verbosity(), dryRun,
                        progress(command));
        if (json != null && renderer != json) {
            renderer = Tee.of(Renderer.class, renderer, json);
        }
        Cancellation cancellation = new Cancellation();
        Interrupts.Registration signals = env.interrupts().onInterrupt(cancellation::request);
        // Probes measure the real network, so they run on real time whatever clock the rollout is given; a dry
        // run touches nothing, so there is nothing to measure.
        AvailabilityProber prober = dryRun || probes.isEmpty()
                ? null : new AvailabilityProber(probes, new ProbeSettings(probeInterval, probeTimeout),
                        Clock.systemUTC(), Sleeper.SYSTEM, json == null ? buckets -> { } : json::probe);
        RolloutReport outcome;
        List<ProbeReport> seen;
        if (prober != null) {
            prober.start();
        }
        try {
            outcome = run(waves, settings, balancing, renderer, json, cancellation);
        } finally {
            seen = prober == null ? List.of() : prober.stop();
            signals.close();
            renderer.runEnded();
        }
        int exitCode = ExitCodes.of(outcome, seen, probeBudget);
        List<String> problems = List.of();
        if (outcome.cause() != null) {
            Problems.print(command.getErr(), outcome.cause(), diagnostics.tracesErrors());
            problems = Problems.describe(outcome.cause());
        }
        renderer.summary(outcome, seen, new Verdict(exitCode, ExitCodes.outcome(outcome, exitCode), problems));
        if (report != null) {
            ReportOutput.write(command.getErr(), report, Report.fromEvents("zdd redeploy", events.events()),
                    secrets::redact);
        }
        return exitCode;
    }

    /** With {@code --output json}, stdout still ends with a summary line: the run was refused. */
    @Override
    public void usageError(ParameterException failure, String[] args) {
        if (asksForJson(args)) {
            new JsonRenderer(failure.getCommandLine().getOut(), env.clock())
                    .usageSummary(Problems.describe(failure), ExitCodes.USAGE);
        }
    }

    /** Read from the raw arguments: after a parse error, the command's fields can't be trusted. */
    private static boolean asksForJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equalsIgnoreCase("--output=json")
                || args[i].equals("--output") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("json")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Live lines only where they can be seen and redrawn: a terminal that can move its cursor, without -v (whose
     * log lines would tear the redrawn ones) or -q (which shows no progress). Timestamps only where nobody watches.
     */
    private TextRenderer.Progress progress(CommandLine command) {
        boolean cursor = env.terminal() && !"dumb".equals(env.variables().get("TERM"));
        if (cursor && !diagnostics.quiet() && !diagnostics.verbose()) {
            String noColorVariable = env.variables().get("NO_COLOR");
            boolean colour = !noColor && (noColorVariable == null || noColorVariable.isEmpty());
            return new LiveLines(command.getErr(), env.clock(), colour);
        }
        return new LogLines(command.getErr(), env.clock(), !env.terminal());
    }

    private RolloutReport run(List<List<String>> waves, RolloutSettings settings, LoadBalancing balancing,
                              Renderer renderer, JsonRenderer json, Cancellation cancellation) {
        try {
            Connection connection = platformOptions.resolve(spec.commandLine(), env, secrets);
            if (noResolveImage && connection.platform() != PlatformName.SWARM) {
                throw new ParameterException(spec.commandLine(), "--no-resolve-image applies only to --platform"
                        + " swarm: Tutum and Docker Cloud pull the tag themselves at every redeploy");
            }
            if (json != null) {
                json.platform(connection.platform().toString());
            }
            Platform platform = env.platforms().open(connection);
            // The readiness HTTP client is built only when a check is asked for: it costs start-up time.
            return new Rollout(platform, env.clock(), env.sleeper(),
                            settings.readiness().isNone() ? null : env.readinessCheck())
                    .withLoadBalancing(balancing)
                    .runWaves(waves, settings, renderer, cancellation);
        } catch (ParameterException usage) {
            throw usage;
        } catch (RuntimeException failure) {
            // The platform could not be opened, or the engine broke its promise not to throw: still end with
            // a summary, which says that nothing is known to have been redeployed.
            List<ServiceReport> notStarted = waves.stream().flatMap(List::stream)
                    .map(s -> new ServiceReport(s, null, ServiceOutcome.NOT_STARTED, Duration.ZERO, null)).toList();
            return new RolloutReport(RunOutcome.FAILED, notStarted, failure);
        }
    }

    /**
     * The SERVICE arguments as waves: each argument is a wave of comma-separated services, redeployed at once. A
     * single name is a wave of one, so every plain command line means what it always meant.
     */
    List<List<String>> waves() {
        List<List<String>> waves = new ArrayList<>();
        for (String argument : services) {
            List<String> wave = List.of(argument.split(",", -1));
            if (wave.stream().anyMatch(String::isBlank)) {
                throw new ParameterException(spec.commandLine(), "invalid SERVICE '" + argument + "': a wave is"
                        + " comma-separated service names, none of them empty (e.g. web-1,api-1)");
            }
            waves.add(wave.stream().map(String::strip).toList());
        }
        return waves;
    }

    /** @param paced a load balancer says when a service is back in rotation, so the drain delay defaults to 0 */
    private RolloutSettings settings(boolean paced) {
        requireAtLeast("--poll-interval", pollInterval, SHORTEST_INTERVAL);
        requirePositive("--timeout", timeout);
        if (deadline != null) {
            requirePositive("--deadline", deadline);
        }
        if (readySuccesses < 1) {
            throw new ParameterException(spec.commandLine(), "--ready-successes must be at least 1, not "
                                                             + readySuccesses);
        }
        if (readyPath != null && readyPath.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--ready-path must not be empty (use / for the root)");
        }
        RolloutSettings.Readiness readiness = new RolloutSettings.Readiness(readyPath,
                readyUrls.stream().map(url -> httpUrl("--ready-url", url)).toList(), readySuccesses);
        Duration drain = drainDelay != null ? drainDelay
                : paced ? Duration.ZERO : RolloutSettings.DEFAULT_DRAIN_DELAY;
        return new RolloutSettings(drain, pollInterval, timeout, deadline, force, !noReuseVolumes, dryRun,
                perContainer, readiness, new ImageRequest(imageReference(), !noResolveImage));
    }

    /** The {@code --image} reference as given, checked; null without the option. */
    private String imageReference() {
        if (image == null) {
            return null;
        }
        try {
            return ImageReference.parse(image).toString();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid value for --image: '" + image + "': "
                                                             + e.getMessage());
        }
    }

    /** An absolute http(s) URL, or a usage error that names the option and the value. */
    private URI httpUrl(String option, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, in the same words as any other bad value
        }
        throw new ParameterException(spec.commandLine(),
                "invalid value for " + option + ": '" + value + "' is not an http:// or https:// URL");
    }

    /** An interval this short would poll the platform (or probe a service) at dozens of requests a second. */
    private void requireAtLeast(String option, Duration value, Duration floor) {
        if (value.compareTo(floor) < 0) {
            throw new ParameterException(spec.commandLine(), option + " must be at least "
                    + Durations.setting(floor) + ", not " + Durations.setting(value));
        }
    }

    private void requirePositive(String option, Duration value) {
        if (value.isZero()) {
            throw new ParameterException(spec.commandLine(), option + " must be longer than 0");
        }
    }
}
