package dev.zdd.cli.sandbox;

import dev.zdd.cli.common.DurationConverter;
import dev.zdd.sandbox.HealthCheck;
import dev.zdd.sandbox.Sandbox;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How the sandbox's containers and load balancer behave in time: shared by {@code zdd sandbox} and {@code zdd demo}. */
final class SandboxTimings {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--boot-time", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long a redeployed container refuses connections before it listens again"
                          + " (default ${DEFAULT-VALUE}).")
    Duration bootTime;

    @Option(names = "--boot-jitter", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Add a random share of this to each boot time, as real containers vary"
                          + " (default ${DEFAULT-VALUE}).")
    Duration bootJitter;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "1.5s", converter = DurationConverter.class,
            description = "How long it then answers 503 while the platform already says Running"
                          + " (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--check-interval", paramLabel = "DURATION", defaultValue = "500ms",
            converter = DurationConverter.class,
            description = "The load balancer's health-check interval, HAProxy's inter (default ${DEFAULT-VALUE}).")
    Duration checkInterval;

    @Option(names = "--check-rise", paramLabel = "N", defaultValue = "2",
            description = "Passed checks in a row that bring a container back into rotation (default ${DEFAULT-VALUE}).")
    int checkRise;

    @Option(names = "--check-fall", paramLabel = "N", defaultValue = "2",
            description = "Failed checks in a row that take a container out of rotation (default ${DEFAULT-VALUE}).")
    int checkFall;

    /** The load balancer's health check, or a usage error that names the options. */
    HealthCheck healthCheck() {
        try {
            return new HealthCheck(checkInterval, checkRise, checkFall);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--check-interval must be longer than 0, and"
                                                             + " --check-rise and --check-fall at least 1");
        }
    }

    /** Sets the boot time, warm-up and health check on a sandbox builder. */
    Sandbox.Builder applyTo(Sandbox.Builder builder) {
        return builder.bootTime(bootTime).bootJitter(bootJitter).warmup(warmup).healthCheck(healthCheck());
    }
}
