package dev.zdd.cli.output;

import dev.zdd.platform.Container;
import dev.zdd.rollout.Target;
import dev.zdd.time.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress as plain lines, one per event, prefixed with the service ({@code [web-2] Ready after 12.3s}): for CI
 * logs, files and pipes, where each line also starts with its UTC time, and for a terminal with {@code -v} or
 * {@code -q}. Never a colour or a cursor movement.
 */
public final class LogLines implements TextRenderer.Progress {

    private final PrintWriter err;
    private final Clock clock;
    private final boolean timestamps;
    /** The last thing said of each label, so a state that repeats it (Redeploying after Redeploying) is not said twice. */
    private final Map<String, String> lastSaid = new HashMap<>();

    public LogLines(PrintWriter err, Clock clock, boolean timestamps) {
        this.err = err;
        this.clock = clock;
        this.timestamps = timestamps;
    }

    @Override
    public void redeploying(Target target, Container container) {
        line(target, container, "Redeploying");
    }

    @Override
    public void stateChanged(Target target, Container container, String state) {
        if (!state.equals(lastSaid.get(TextRenderer.label(target, container)))) {
            line(target, container, state);
        }
    }

    @Override
    public void ready(Target target, Container container, Duration sinceRedeploy) {
        line(target, container, "Ready after " + Durations.measured(sinceRedeploy));
    }

    @Override
    public void draining(Target target, Duration delay) {
        line(target, null, "Draining " + Durations.setting(delay));
    }

    @Override
    public void lbDraining(Target target, Container container, List<String> servers) {
        line(target, container, "Draining in the load balancer: " + String.join(", ", servers));
    }

    @Override
    public void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                          int sessionsLeft) {
        line(target, container, timedOut
                ? "Drain timed out after " + Durations.measured(took) + " (--lb-drain-timeout) with " + sessionsLeft
                  + " of " + sessions + " sessions still open: going on"
                : "Drained in " + Durations.measured(took) + " (" + sessions + (sessions == 1 ? " session" : " sessions")
                  + ")");
    }

    @Override
    public void lbUp(Target target, Container container, Duration took) {
        line(target, container, "UP in the load balancer after " + Durations.measured(took));
    }

    @Override
    public void failed(Target target, String reason) {
        line(target, null, "Failed: " + reason);
    }

    @Override
    public void detail(Target target, String message) {
        line(target, null, message);
    }

    private void line(Target target, Container container, String text) {
        lastSaid.put(TextRenderer.label(target, container), text);
        String time = timestamps ? clock.instant().truncatedTo(ChronoUnit.SECONDS) + " " : "";
        err.println(time + "[" + TextRenderer.label(target, container) + "] " + text);
        err.flush();
    }
}
