package dev.zdd.cli.output;

import dev.zdd.platform.Container;
import dev.zdd.rollout.Target;
import dev.zdd.time.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress on a terminal: one line per service (or container) with its state and the time since its redeploy
 * ({@code [web-1] Redeploying  12.4s}), redrawn in place every {@link #REFRESH}; a finished line stays on screen
 * as it ended. Only for a stderr that is a terminal: the redraw moves the cursor with ANSI escapes.
 */
public final class LiveLines implements TextRenderer.Progress {

    static final Duration REFRESH = Duration.ofMillis(200);

    private static final String CSI = "\u001b[";

    private final PrintWriter err;
    private final Clock clock;
    private final boolean colour;
    private final ScheduledExecutorService timer;
    /** The lines that may still change: from the first unfinished one down; those above are final on screen. */
    private final List<Line> region = new ArrayList<>();
    /** How many lines of the region the last redraw left on screen, above the cursor. */
    private int drawn;

    public LiveLines(PrintWriter err, Clock clock, boolean colour) {
        this.err = err;
        this.clock = clock;
        this.colour = colour;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "zdd-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::redraw, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void redeploying(Target target, Container container) {
        String label = TextRenderer.label(target, container);
        // The load balancer's drain came first, on the step's own line: that line goes on.
        Line drained = region.stream().filter(l -> l.label.equals(label) && l.ended == null && l.draining)
                .findFirst().orElse(null);
        // A new redeploy means that the steps before it are over: those already back (ready, maybe draining), and
        // the service's previous container. The other services of a wave are still under way: their lines go on.
        region.stream().filter(l -> l != drained)
                .filter(l -> l.ready != null || l.failure != null || l.target.equals(target) && !l.label.equals(label))
                .forEach(l -> l.end(clock.instant()));
        Line line = drained != null ? drained : new Line(target, label, clock.instant());
        line.draining = false;
        line.state = "Redeploying";
        if (drained == null) {
            region.add(line);
        }
        redraw();
    }

    @Override
    public synchronized void lbDraining(Target target, Container container, List<String> servers) {
        Line line = line(target, TextRenderer.label(target, container));
        line.draining = true;
        line.state = "Draining in the load balancer";
        redraw();
    }

    @Override
    public synchronized void lbDrained(Target target, Container container, Duration took, int sessions,
                                       boolean timedOut, int sessionsLeft) {
        line(target, TextRenderer.label(target, container)).state = timedOut
                ? "Drain timed out with " + sessionsLeft + " sessions open: going on"
                : "Drained in " + Durations.measured(took);
        redraw();
    }

    @Override
    public synchronized void lbUp(Target target, Container container, Duration took) {
        Line line = line(target, TextRenderer.label(target, container));
        line.up = Durations.measured(took);
        line.paused = clock.instant();
        redraw();
    }

    @Override
    public synchronized void stateChanged(Target target, Container container, String state) {
        line(target, TextRenderer.label(target, container)).state = state;
        redraw();
    }

    @Override
    public synchronized void ready(Target target, Container container, Duration sinceRedeploy) {
        Line line = line(target, TextRenderer.label(target, container));
        line.ready = Durations.measured(sinceRedeploy);
        // The engine counts from just before its request; count from there too, so the two times agree.
        line.started = clock.instant().minus(sinceRedeploy);
        line.paused = clock.instant();
        redraw();
    }

    @Override
    public synchronized void draining(Target target, Duration delay) {
        Line line = line(target, null);
        line.drain = Durations.setting(delay);
        line.paused = null;
        redraw();
    }

    @Override
    public synchronized void failed(Target target, String reason) {
        Line line = line(target, null);
        line.failure = reason;
        line.end(clock.instant());
        redraw();
    }

    /** Stops the redraws and leaves every line as it ended, the cursor below them. */
    @Override
    public void finish() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            region.forEach(line -> line.end(clock.instant()));
            redraw();
        }
    }

    /** The line with this label, else (label null) the target's latest line; a new one when there is none. */
    private Line line(Target target, String label) {
        for (int i = region.size() - 1; i >= 0; i--) {
            Line line = region.get(i);
            if (line.target.equals(target) && (label == null || line.label.equals(label))) {
                return line;
            }
        }
        Line line = new Line(target, label == null ? target.label() : label, clock.instant());
        region.add(line);
        return line;
    }

    private synchronized void redraw() {
        StringBuilder screen = new StringBuilder();
        if (drawn > 0) {
            screen.append(CSI).append(drawn).append('A');
        }
        Instant now = clock.instant();
        for (Line line : region) {
            screen.append('\r').append(CSI).append("2K").append(line.render(now)).append('\n');
        }
        err.print(screen);
        err.flush();
        drawn = region.size();
        while (!region.isEmpty() && region.get(0).ended != null) {
            region.remove(0);
            drawn--;
        }
    }

    private final class Line {
        final Target target;
        final String label;
        Instant started;
        Instant ended;
        /** Its clock stops once it is back (the other services of a wave may run on), until a drain delay starts. */
        Instant paused;
        String state = "";
        String ready;
        String drain;
        String up;
        String failure;
        /** The load balancer drains it before its redeploy, which goes on on this line. */
        boolean draining;

        Line(Target target, String label, Instant started) {
            this.target = target;
            this.label = label;
            this.started = started;
        }

        void end(Instant now) {
            if (ended == null) {
                ended = paused != null ? paused : now;
            }
        }

        String render(Instant now) {
            Instant until = ended != null ? ended : paused != null ? paused : now;
            String elapsed = Durations.measured(Duration.between(started, until));
            return "[" + label + "] " + paint(text()) + "  " + elapsed;
        }

        private String text() {
            if (failure != null) {
                return "Failed: " + failure;
            }
            if (ready == null) {
                return state;
            }
            String back = "Ready after " + ready + (up == null ? "" : ", UP in the load balancer after " + up);
            return drain == null ? back : back + (ended == null ? ", draining " : ", drained ") + drain;
        }

        /** Red for a failure, green once ready, yellow while under way. */
        private String paint(String text) {
            if (!colour) {
                return text;
            }
            String code = failure != null ? "31" : ready != null ? "32" : "33";
            return CSI + code + 'm' + text + CSI + "0m";
        }
    }
}
