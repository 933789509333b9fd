package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every event as a short line, e.g. {@code redeploy web-1}, {@code state web-1 Running}. */
final class RecordingListener implements RolloutListener {

    final List<String> events = new ArrayList<>();
    /** The -v lines, e.g. {@code web-2: waiting: web-1 is Redeploying ...}. */
    final List<String> details = new ArrayList<>();
    List<Target> planned;
    Plan plan;
    Duration worstCase;

    @Override
    public void plan(Plan plan) {
        this.plan = plan;
        this.planned = plan.targets();
        this.worstCase = plan.worstCase();
        Object shown = plan.hasWaves()
                ? plan.waves().stream().map(w -> w.stream().map(Target::label).toList()).toList()
                : plan.targets().stream().map(Target::label).toList();
        events.add("plan " + shown + (plan.dryRun() ? " dry-run" : ""));
    }

    @Override
    public void detail(Target target, String message) {
        details.add(target.label() + ": " + message);
    }

    @Override
    public void redeploying(Target target, Container container) {
        events.add("redeploy " + target.label());
    }

    @Override
    public void stateChanged(Target target, Container container, String state) {
        events.add("state " + target.label() + " " + state);
    }

    @Override
    public void ready(Target target, Container container, Duration sinceRedeploy) {
        events.add("ready " + target.label() + " " + sinceRedeploy.toMillis() + "ms");
    }

    @Override
    public void draining(Target target, Duration delay) {
        events.add("drain " + target.label() + " " + delay.toMillis() + "ms");
    }

    @Override
    public void lbDraining(Target target, Container container, List<String> servers) {
        events.add("lb-drain " + target.label() + (container == null ? "" : "/" + container.name()) + " " + servers);
    }

    @Override
    public void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                          int sessionsLeft) {
        events.add("lb-drained " + target.label() + (container == null ? "" : "/" + container.name()) + " "
                   + took.toMillis() + "ms sessions=" + sessions + (timedOut ? " timed out, left=" + sessionsLeft : ""));
    }

    @Override
    public void lbUp(Target target, Container container, Duration took) {
        events.add("lb-up " + target.label() + (container == null ? "" : "/" + container.name()) + " "
                   + took.toMillis() + "ms");
    }

    @Override
    public void failed(Target target, String reason) {
        events.add("failed " + target.label() + ": " + reason);
    }
}
