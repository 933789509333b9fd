package dev.zdd.cli.output;

import dev.zdd.probe.ProbeReport;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import java.util.List;

/** Shows a rollout as it happens, then its summary: as text for people or as NDJSON for programs. */
public interface Renderer extends RolloutListener {

    /** The run is over: progress that redraws itself stops, so that errors and the summary print below it. */
    default void runEnded() {
    }

    /**
     * The last thing a run prints, whatever happened: the services, what the probes saw, and the command's verdict
     * (its exit code, the outcome word, what stopped the run).
     */
    void summary(RolloutReport report, List<ProbeReport> probes, Verdict verdict);
}
