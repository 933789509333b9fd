package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every event as a short line, e.g. {@code redeploy web-1}, {@code state web-1 Running}. */
final class RecordingListener implements RolloutListener {

    final List<String> events = new ArrayList<>();
    List<Target> planned;
    Duration worstCase;

    @Override
    public void plan(List<Target> targets, boolean dryRun, RolloutSettings settings, Duration worstCase) {
        this.planned = targets;
        this.worstCase = worstCase;
        events.add("plan " + targets.stream().map(Target::label).toList() + (dryRun ? " dry-run" : ""));
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
    public void failed(Target target, String reason) {
        events.add("failed " + target.label() + ": " + reason);
    }
}
