package dev.zdd.cli;

import dev.zdd.probe.HttpReadinessCheck;
import dev.zdd.rollout.ReadinessCheck;
import dev.zdd.time.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a command takes from the world outside its arguments, injected so that tests run the whole
 * command in-process against an in-memory platform or WireMock, with a fake clock and no real signals.
 *
 * @param variables  the environment variables
 * @param home       the user's home directory (for {@code ~/.tutum})
 * @param clock      "now", for event times and durations
 * @param sleeper    waiting
 * @param platforms  turns the platform options into a {@link dev.zdd.platform.Platform}
 * @param interrupts where SIGINT and SIGTERM come from
 */
public record Environment(Map<String, String> variables, Path home, Clock clock, Sleeper sleeper,
                          PlatformFactory platforms, Interrupts interrupts) {

    public Environment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(platforms, "platforms");
        Objects.requireNonNull(interrupts, "interrupts");
    }

    /** The real process: its environment, home, the system clock, real sleeping and real signals. */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC(),
                Sleeper.SYSTEM, PlatformFactory.STANDARD, new SignalInterrupts());
    }

    /** Readiness over HTTP, napping on this environment's clock and sleeper. */
    public ReadinessCheck readinessCheck() {
        return new HttpReadinessCheck(clock, sleeper, HttpReadinessCheck.DEFAULT_INTERVAL);
    }

    /** The variable's value, or null when it is unset or blank (an empty export means "not set" to users). */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
