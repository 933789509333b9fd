package dev.zdd.cli.common;

import dev.zdd.report.HtmlReport;
import dev.zdd.report.Report;
import dev.zdd.report.ReportFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --report FILE}: checked before the run starts, written when it ends, whatever the outcome. */
public final class ReportOutput {

    public static final String DESCRIPTION = "Write a self-contained HTML page of the run to FILE at its end, whatever the"
                                      + " outcome: a timeline per service, the probes' availability and latency,"
                                      + " the summary.";

    private ReportOutput() {
    }

    /** A usage error (exit 2, before anything is done) when the page could not be written there. */
    public static void check(CommandLine command, Path file) {
        if (file == null) {
            return;
        }
        String problem = ReportFile.problem(file);
        if (problem != null) {
            throw new ParameterException(command, "invalid value for --report: " + problem);
        }
    }

    /**
     * Renders and writes the page, atomically. A page that can't be written is said on stderr, and the run's exit
     * code stays what the rollout made it: pipelines act on the rollout, the page is its record.
     *
     * @param mask applied to the whole page, so that no secret the run has seen can show in it
     */
    public static void write(PrintWriter err, Path file, Report report, UnaryOperator<String> mask) {
        try {
            ReportFile.write(file, mask.apply(HtmlReport.render(report)));
        } catch (IOException | RuntimeException e) {
            err.println("zdd: could not write the report to " + file + ": " + e.getMessage());
            err.flush();
        }
    }
}
