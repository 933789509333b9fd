package dev.zdd.cli.common;

import dev.zdd.platform.PlatformException;
import dev.zdd.probe.ProbeReport;
import dev.zdd.rollout.DuplicateTargetException;
import dev.zdd.rollout.PreflightException;
import dev.zdd.rollout.ResolutionException;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.UnsupportedStepException;
import java.util.List;
import picocli.CommandLine.ParameterException;

/** The one place that decides the exit code, from the contract's table. */
public final class ExitCodes {

    public static final int SUCCESS = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int RESOLUTION = 3;
    public static final int PREFLIGHT = 4;
    public static final int PLATFORM = 5;
    public static final int DOWNTIME = 6;
    public static final int INTERRUPTED = 130;

    // The contract's table in picocli's "code:meaning" form, for --help and the man pages (annotations need constants).
    public static final String SUCCESS_DOC = "0:every service redeployed and back, and the probes stayed within budget";
    public static final String FAILED_DOC = "1:a service failed or timed out; the services after it were not touched";
    public static final String USAGE_DOC = "2:usage error: unknown option, bad value, no service, the same service twice";
    public static final String RESOLUTION_DOC = "3:a name matched no live service, or more than one";
    public static final String PREFLIGHT_DOC = "4:preflight refused: a target is not fully Running, or busy";
    public static final String PLATFORM_DOC = "5:the platform could not be used: bad credentials, no permission, unreachable,"
                                       + " or still failing after retries";
    public static final String DOWNTIME_DOC = "6:every service is back, but the probes saw more failed requests than"
                                       + " --probe-budget";
    public static final String INTERRUPTED_DOC = "130:interrupted (SIGINT or SIGTERM)";

    private ExitCodes() {
    }

    public static int of(RolloutReport report) {
        if (report.outcome() == RunOutcome.INTERRUPTED) {
            return INTERRUPTED;
        }
        if (report.cause() instanceof PlatformException platform && platform.isDeadline()) {
            return FAILED; // the run's own --deadline or --timeout ended it: a timeout, not an unusable platform
        }
        if (report.cause() != null) {
            return of(report.cause());
        }
        return switch (report.outcome()) {
            case SUCCESS -> SUCCESS;
            case REFUSED -> PREFLIGHT;
            case FAILED, TIMED_OUT, INTERRUPTED -> FAILED;
        };
    }

    /**
     * The run's exit code with the probes' verdict: downtime (6) only when every service is back, since a failed
     * rollout already says more.
     */
    public static int of(RolloutReport report, List<ProbeReport> probes, long probeBudget) {
        int exitCode = of(report);
        long failures = probes.stream().mapToLong(ProbeReport::failures).sum();
        return exitCode == SUCCESS && !report.services().isEmpty() && failures > probeBudget ? DOWNTIME : exitCode;
    }

    /** The contract's summary outcome: the run's, or {@code downtime} when the probes decided the exit code. */
    public static String outcome(RolloutReport report, int exitCode) {
        return exitCode == DOWNTIME ? "downtime" : report.outcome().wireName();
    }

    public static int of(Throwable failure) {
        if (failure instanceof ParameterException || failure instanceof DuplicateTargetException
            || failure instanceof UnsupportedStepException) {
            return USAGE;
        }
        if (failure instanceof ResolutionException) {
            return RESOLUTION;
        }
        if (failure instanceof PreflightException) {
            return PREFLIGHT;
        }
        if (failure instanceof PlatformException platform) {
            return platform.kind() == PlatformException.Kind.CONFIGURATION ? USAGE : PLATFORM;
        }
        return FAILED;
    }
}
