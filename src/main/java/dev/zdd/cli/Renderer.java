package dev.zdd.cli;

import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;

/** Shows a rollout as it happens, then its summary: as text for people or as NDJSON for programs. */
interface Renderer extends RolloutListener {

    /** The run is over: progress that redraws itself stops, so that errors and the summary print below it. */
    default void runEnded() {
    }

    /** The last thing a run prints, whatever happened. */
    void summary(RolloutReport report, int exitCode);
}
