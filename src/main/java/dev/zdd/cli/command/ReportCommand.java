package dev.zdd.cli.command;

import dev.zdd.cli.common.ExitCodes;
import dev.zdd.report.HtmlReport;
import dev.zdd.report.NdjsonEvents;
import dev.zdd.report.Report;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zdd report EVENTS}: the page that {@code --report} writes, from a saved {@code --output json} stream. */
@Command(name = "report", usageHelpAutoWidth = true,
        description = {"Renders the HTML page of a rollout, as --report writes it, from a saved zdd redeploy --output"
                       + " json stream, on stdout. A stream that holds several runs shows each; lines that are not"
                       + " zdd events are skipped."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the page was written to stdout",
            "2:usage error: no such file, or no zdd event in it"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  zdd redeploy --output json web-1 web-2 > rollout.ndjson",
            "  zdd report rollout.ndjson > rollout.html"
        })
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "EVENTS", description = "The NDJSON that zdd redeploy --output json printed; - reads"
                                                     + " standard input.")
    Path events;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "zdd redeploy",
            description = "The page's title (default ${DEFAULT-VALUE}).")
    String title;

    @Override
    public Integer call() {
        NdjsonEvents.Read read = read();
        if (read.events().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no zdd events in " + name()
                    + ": expected the lines that zdd redeploy --output json prints");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (read.skippedLines() > 0) {
            err.println("zdd: report: skipped " + read.skippedLines() + (read.skippedLines() == 1 ? " line" : " lines")
                        + " of " + name() + " that " + (read.skippedLines() == 1 ? "is" : "are") + " not zdd events");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(HtmlReport.render(Report.fromEvents(title, read.events())));
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private NdjsonEvents.Read read() {
        try {
            if (events.toString().equals("-")) {
                return NdjsonEvents.read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            }
            try (BufferedReader lines = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                return NdjsonEvents.read(lines);
            }
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + events + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + events + ": " + e.getMessage());
        }
    }

    private String name() {
        return events.toString().equals("-") ? "standard input" : events.toString();
    }
}
