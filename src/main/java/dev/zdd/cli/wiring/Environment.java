package dev.zdd.cli.wiring;

import dev.zdd.probe.HttpReadinessCheck;
import dev.zdd.rollout.ReadinessCheck;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
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
 * @param terminal   whether stderr is a terminal, where progress may redraw itself and use colour
 */
public record Environment(Map<String, String> variables, Path home, Clock clock, Sleeper sleeper,
                          PlatformFactory platforms, Interrupts interrupts, boolean terminal) {

    /** The system property through which the launcher, which can ask the shell, says whether stderr is a terminal. */
    static final String TERMINAL_PROPERTY = "zdd.stderr.terminal";

    public Environment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(platforms, "platforms");
        Objects.requireNonNull(interrupts, "interrupts");
    }

    /** An environment whose stderr is no terminal, as in CI, a file or a test. */
    public Environment(Map<String, String> variables, Path home, Clock clock, Sleeper sleeper,
                       PlatformFactory platforms, Interrupts interrupts) {
        this(variables, home, clock, sleeper, platforms, interrupts, false);
    }

    /** The real process: its environment, home, the system clock, real sleeping, real signals, its real stderr. */
    public static Environment system() {
        return new Environment(System.getenv(), home(System.getenv()), Clock.systemUTC(),
                Sleeper.SYSTEM, PlatformFactory.STANDARD, new SignalInterrupts(), stderrIsTerminal());
    }

    /**
     * {@code HOME}, as every other command-line tool reads it; the password database's entry (Java's
     * {@code user.home}) only when HOME is unset or empty.
     */
    static Path home(Map<String, String> variables) {
        String home = variables.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /**
     * {@code System.console()} speaks only for stdin and stdout, and Java has no isatty. The launcher asks the shell
     * ({@code [ -t 2 ]}) and passes the answer as {@link #TERMINAL_PROPERTY}; without it ({@code java -jar}), Linux
     * tells where file descriptor 2 points. Elsewhere, or when in doubt, no terminal: plain lines are always safe.
     */
    private static boolean stderrIsTerminal() {
        String told = System.getProperty(TERMINAL_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Readiness over HTTP, napping on this environment's clock and sleeper. */
    public ReadinessCheck readinessCheck() {
        return new HttpReadinessCheck(ReadinessCheck.DEFAULT_INTERVAL);
    }

    /** The variable's value, or null when it is unset or blank (an empty export means "not set" to users). */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
