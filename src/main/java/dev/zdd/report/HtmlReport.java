package dev.zdd.report;

import dev.zdd.report.Lane.Kind;
import dev.zdd.report.Lane.MarkKind;
import dev.zdd.report.ProbeSeries.Slot;
import dev.zdd.report.Timeline.EventRow;
import dev.zdd.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link Report} as one self-contained HTML page: inline CSS, an inline SVG for latency, no script and
 * no URL to fetch. The picture is made of positioned boxes, so that it stretches to any width while its text keeps
 * its size; every state has a pattern as well as a colour and a text label, the tables under the picture say
 * everything it shows, and a print style keeps it legible in black and white.
 */
public final class HtmlReport {

    /**
     * A box gets its text label only when the label fits at 1280 px (a track of about 1,000 px, some 6.5 px a
     * character); otherwise its tooltip and the tables say it. Narrower screens cut a label short with an ellipsis.
     */
    private static final double LABEL_PERCENT_PER_CHAR = 0.68;
    private static final double LABEL_PERCENT_PADDING = 1.6;
    /** A failed bucket is never drawn narrower than this, so that one failed request is still seen. */
    private static final double FAILED_MIN_PERCENT = 0.3;
    /** Latency is drawn with at most this many columns; each shows the median p50 and the highest p99 it covers. */
    private static final int LATENCY_COLUMNS = 600;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final StringBuilder html = new StringBuilder(64 * 1024);
    private final Report report;
    private final double scaleMillis;
    private int ids;

    private HtmlReport(Report report) {
        this.report = report;
        long longest = report.runs().stream().mapToLong(run -> run.duration().toMillis()).max().orElse(0);
        this.scaleMillis = Math.max(1000, longest);
    }

    public static String render(Report report) {
        return new HtmlReport(report).page();
    }

    private String page() {
        Report.Facts facts = report.facts();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"zdd").append(facts.version() == null ? "" : " "
                        + esc(facts.version())).append("\">\n")
                .append("<title>").append(esc(report.title())).append(": ").append(esc(facts.outcome()))
                .append(" · ").append(UTC.format(facts.started())).append(" UTC</title>\n<style>")
                .append(CSS).append("</style>\n</head>\n<body>\n");
        header(facts);
        html.append("<main>\n");
        legend();
        // All the pictures first, one above the other on the same scale, then each run's tables.
        for (Timeline run : report.runs()) {
            picture(run);
        }
        for (Timeline run : report.runs()) {
            details(run);
        }
        html.append("</main>\n<footer><p>Written by zdd").append(facts.version() == null ? "" : " "
                + esc(facts.version())).append(" from the rollout's JSON events. Times are UTC; +0s is the start of"
                + " each run, and every run is drawn on the same scale.</p></footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private void header(Report.Facts facts) {
        boolean good = "success".equals(facts.outcome());
        html.append("<header class=\"top\">\n<p class=\"kicker\">zdd rollout report</p>\n<h1>")
                .append(esc(report.title())).append(" <span class=\"badge ").append(good ? "good" : "bad")
                .append("\">").append(good ? "✓ " : "✕ ").append(esc(facts.outcome())).append("</span></h1>\n")
                .append("<dl class=\"facts\">\n");
        fact("Outcome", esc(facts.outcome()));
        fact("Exit code", facts.exitCode() == null ? "unknown" : esc(facts.exitCode()));
        fact("Platform", facts.platform() == null ? "unknown" : esc(facts.platform()));
        fact("zdd version", facts.version() == null ? "unknown" : esc(facts.version()));
        fact("Started (UTC)", "<time datetime=\"" + facts.started() + "\">" + UTC.format(facts.started()) + "</time>");
        fact("Total time", esc(Durations.measured(facts.total())));
        if (report.runs().size() == 1) {
            Timeline run = report.runs().get(0);
            if (run.summary() != null && !run.summary().services().isEmpty()) {
                Table services = run.summary().services();
                long redeployed = services.rows().stream()
                        .filter(row -> "redeployed".equals(services.cell(row, "outcome"))).count();
                fact("Services redeployed", redeployed + " of " + services.rows().size());
            }
            long requests = run.probes().stream().mapToLong(ProbeSeries::requests).filter(n -> n >= 0).sum();
            long failures = run.probes().stream().mapToLong(ProbeSeries::failures).filter(n -> n >= 0).sum();
            if (!run.probes().isEmpty()) {
                fact("Failed probe requests", failures + " of " + requests);
            }
        }
        html.append("</dl>\n</header>\n");
    }

    private void fact(String name, String valueHtml) {
        html.append("<div><dt>").append(name).append("</dt><dd>").append(valueHtml).append("</dd></div>\n");
    }

    /** One key for every fill and mark used on the page, each drawn as on the chart, with its meaning. */
    private void legend() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        Set<MarkKind> marks = EnumSet.noneOf(MarkKind.class);
        boolean probes = false;
        boolean gaps = false;
        for (Timeline run : report.runs()) {
            for (ProbeSeries probe : run.probes()) {
                for (int i = 1; i < probe.slots().size(); i++) {
                    gaps |= !follows(probe.slots().get(i - 1), probe.slots().get(i));
                }
            }
            run.lanes().forEach(lane -> lane.phases().forEach(phase -> kinds.add(phase.kind())));
            run.lanes().forEach(lane -> lane.marks().forEach(mark -> marks.add(mark.kind())));
            probes |= !run.probes().isEmpty();
        }
        boolean early = report.runs().stream().anyMatch(this::endsEarly);
        if (kinds.isEmpty() && marks.isEmpty() && !probes) {
            return;
        }
        html.append("<section class=\"legend\" aria-label=\"Key\"><h2 class=\"sr\">Key</h2><ul>\n");
        for (Kind kind : kinds) {
            html.append("<li title=\"").append(esc(kind.meaning())).append("\"><span class=\"sw ")
                    .append(kind.css()).append("\"></span>").append(esc(kind.legend())).append("</li>\n");
        }
        // A failure and a timeout share a symbol and a key; the lane's label says which it was.
        boolean timedOut = marks.remove(MarkKind.TIMED_OUT);
        boolean failed = marks.contains(MarkKind.FAILED);
        if (timedOut) {
            marks.add(MarkKind.FAILED);
        }
        for (MarkKind mark : marks) {
            html.append("<li><span class=\"sym ").append(mark.css()).append("\">").append(mark.symbol())
                    .append("</span>").append(switch (mark) {
                        case READY -> "back and ready";
                        case LB_DRAINED -> "load balancer drained";
                        case LB_UP -> "load balancer reports UP";
                        case FAILED -> failed && timedOut ? "failed or timed out" : timedOut ? "timed out" : "failed";
                        case TIMED_OUT -> "timed out";
                        case INTERRUPTED -> "interrupted";
                    }).append("</li>\n");
        }
        if (probes) {
            html.append("<li><span class=\"sw ok\"></span>probe: every request answered 2xx</li>\n")
                    .append("<li><span class=\"sw bad\"></span>probe: every request failed</li>\n")
                    .append("<li><span class=\"sw part\"></span>probe: some failed</li>\n")
                    .append(gaps ? "<li><span class=\"sw gap\"></span>probe: no request started</li>\n" : "")
                    .append("<li><span class=\"line p50\"></span>latency p50</li>\n")
                    .append("<li><span class=\"line p99\"></span>latency p99</li>\n");
        }
        if (early) {
            html.append("<li><span class=\"line stop\"></span>end of a run shorter than the scale</li>\n");
        }
        html.append("</ul></section>\n");
    }

    private void picture(Timeline run) {
        String id = "run" + (++ids);
        html.append("<section class=\"run\" aria-labelledby=\"").append(id).append("\">\n<h2 id=\"").append(id)
                .append("\">").append(esc(run.title())).append("</h2>\n");
        html.append("<p class=\"lede\">").append(esc(lede(run))).append("</p>\n");
        chart(run);
        if (!run.notes().isEmpty()) {
            html.append("<ul class=\"notes\">\n");
            for (String note : run.notes()) {
                html.append("<li>").append(esc(note)).append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("</section>\n");
    }

    private void details(Timeline run) {
        String id = "details" + (++ids);
        boolean one = report.runs().size() == 1;
        html.append("<section class=\"details\" aria-labelledby=\"").append(id).append("\">\n<h2 id=\"")
                .append(id).append("\">").append(one ? "Summary" : "Summary: " + esc(run.title())).append("</h2>\n");
        summary(run);
        events(run);
        html.append("</section>\n");
    }

    private static String lede(Timeline run) {
        long services = run.lanes().stream().filter(lane -> lane.container() == null).count();
        List<String> parts = new ArrayList<>();
        parts.add(services + (services == 1 ? " service" : " services"));
        if (!run.waves().isEmpty()) {
            parts.add(run.waves().size() + (run.waves().size() == 1 ? " wave" : " waves"));
        }
        if (!run.probes().isEmpty()) {
            parts.add(run.probes().size() + (run.probes().size() == 1 ? " probe URL" : " probe URLs"));
        }
        return (run.dryRun() ? "Dry run: nothing was redeployed. " : "") + String.join(", ", parts) + "; "
               + Durations.measured(run.duration()) + " from " + UTC.format(run.start()) + " UTC.";
    }

    // ---- the picture ----

    private void chart(Timeline run) {
        StringBuilder description = new StringBuilder("Timeline of ").append(lede(run));
        for (ProbeSeries probe : run.probes()) {
            if (probe.requests() >= 0) {
                description.append(' ').append(probe.failures()).append(" of ").append(probe.requests())
                        .append(" requests to ").append(probe.url()).append(" failed.");
            }
        }
        run.notes().forEach(note -> description.append(' ').append(note));
        description.append(" The tables below give every figure and event.");
        html.append("<figure class=\"chart\" role=\"img\" aria-label=\"").append(esc(description.toString()))
                .append("\">\n<div class=\"plot\">\n<div class=\"grid\">");
        List<Long> ticks = ticks();
        for (long tick : ticks) {
            html.append("<i style=\"left:").append(pct(tick)).append("%\"></i>");
        }
        if (endsEarly(run)) {
            html.append("<i class=\"stop\" style=\"left:").append(pct(run.duration().toMillis())).append("%\"></i>");
        }
        html.append("</div>\n");
        axis(ticks, "top");
        int wave = 0;
        for (Lane lane : run.lanes()) {
            if (lane.wave() != wave && lane.wave() > 0) {
                wave = lane.wave();
                html.append("<div class=\"wave\">Wave ").append(wave).append(" · ")
                        .append(esc(String.join(", ", run.waves().get(wave - 1)))).append("</div>\n");
            }
            lane(run, lane);
        }
        if (!run.probes().isEmpty()) {
            html.append("<div class=\"sep\">Probes</div>\n");
            for (ProbeSeries probe : run.probes()) {
                availability(run, probe);
                latency(run, probe);
            }
        }
        axis(ticks, "bottom");
        html.append("</div>\n</figure>\n");
    }

    /** A run shorter than the page's scale ends before the right edge: a dotted line says where. */
    private boolean endsEarly(Timeline run) {
        return percent(run.duration().toMillis()) < 99.5;
    }

    private void axis(List<Long> ticks, String where) {
        html.append("<div class=\"row axis ").append(where).append("\"><div class=\"name\">")
                .append("top".equals(where) ? "time since start" : "").append("</div><div class=\"track\">");
        int i = 0;
        for (long tick : ticks) {
            html.append("<span class=\"t").append(i++ % 2 == 1 ? " odd" : "").append("\" style=\"left:")
                    .append(pct(tick)).append("%\">+").append(Durations.setting(Duration.ofMillis(tick)))
                    .append("</span>");
        }
        html.append("</div></div>\n");
    }

    /** Round steps, so that the scale has between 5 and 12 ticks. */
    private List<Long> ticks() {
        long[] steps = {100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
            900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000};
        long step = steps[steps.length - 1];
        for (long candidate : steps) {
            if (scaleMillis / candidate <= 10) {
                step = candidate;
                break;
            }
        }
        List<Long> ticks = new ArrayList<>();
        for (long t = 0; t <= scaleMillis + 1; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    private void lane(Timeline run, Lane lane) {
        boolean container = lane.container() != null;
        html.append("<div class=\"row lane").append(container ? " sub" : "").append("\"><div class=\"name\"><b>")
                .append(esc(lane.label())).append("</b>");
        if (!lane.caption().isEmpty()) {
            html.append("<small>").append(esc(lane.caption())).append("</small>");
        }
        html.append("</div><div class=\"track\">");
        for (Lane.Phase phase : lane.phases()) {
            long from = millis(run, phase.from());
            long to = millis(run, phase.to());
            double width = Math.max(0.15, percent(to - from));
            String span = "+" + Durations.measured(Duration.ofMillis(from)) + " to +"
                          + Durations.measured(Duration.ofMillis(to)) + " ("
                          + Durations.measured(Duration.ofMillis(to - from)) + ")";
            html.append("<span class=\"ph ").append(phase.kind().css()).append("\" style=\"left:").append(pct(from))
                    .append("%;width:").append(fmt(width)).append("%\" title=\"").append(esc(phase.label()))
                    .append(": ").append(esc(span)).append("\">");
            if (width >= phase.label().length() * LABEL_PERCENT_PER_CHAR + LABEL_PERCENT_PADDING) {
                html.append("<i>").append(esc(phase.label())).append("</i>");
            }
            html.append("</span>");
        }
        for (Lane.Mark mark : lane.marks()) {
            long at = millis(run, mark.at());
            boolean words = mark.kind() == MarkKind.FAILED || mark.kind() == MarkKind.TIMED_OUT
                            || mark.kind() == MarkKind.INTERRUPTED;
            html.append("<span class=\"mk ").append(mark.kind().css()).append(percent(at) > 80 ? " end" : "")
                    .append("\" style=\"left:").append(pct(at)).append("%\" title=\"").append(esc(mark.label()))
                    .append(" at +").append(esc(Durations.measured(Duration.ofMillis(at)))).append(": ")
                    .append(esc(mark.detail())).append("\"><b>").append(mark.kind().symbol());
            if (words) {
                html.append(' ').append(esc(mark.label()));
            }
            html.append("</b></span>");
        }
        html.append("</div></div>\n");
    }

    private void availability(Timeline run, ProbeSeries probe) {
        html.append("<div class=\"url\">GET ").append(esc(probe.url())).append("</div>\n")
                .append("<div class=\"row avail\"><div class=\"name\"><b>availability</b><small>");
        if (probe.requests() >= 0) {
            html.append(probe.failures()).append(" failed of ").append(probe.requests());
        } else {
            html.append(probe.bucketFailures()).append(" failed of ").append(probe.bucketRequests());
        }
        html.append("</small></div><div class=\"track\">");
        if (probe.slots().isEmpty()) {
            html.append("<span class=\"none\">no probe buckets in this stream</span>");
        }
        // Consecutive buckets of one kind make one box: small for a whole run, exact to the bucket.
        List<Slot> slots = probe.slots();
        int i = 0;
        while (i < slots.size()) {
            if (i > 0 && !follows(slots.get(i - 1), slots.get(i))) {
                long from = millis(run, slots.get(i - 1).to());
                long to = millis(run, slots.get(i).from());
                html.append("<span class=\"ph gap\" style=\"left:").append(pct(from)).append("%;width:")
                        .append(fmt(percent(to - from))).append("%\" title=\"+")
                        .append(Durations.measured(Duration.ofMillis(from))).append(" to +")
                        .append(Durations.measured(Duration.ofMillis(to))).append(": no request started\"></span>");
            }
            String kind = kind(slots.get(i));
            int j = i;
            int ok = 0;
            int failed = 0;
            while (j < slots.size() && kind(slots.get(j)).equals(kind)
                   && (j == i || follows(slots.get(j - 1), slots.get(j)))) {
                ok += slots.get(j).ok();
                failed += slots.get(j).failed();
                j++;
            }
            long from = millis(run, slots.get(i).from());
            // up to the next box when it follows on, so that a lone empty bucket leaves no hole
            long to = millis(run, j < slots.size() && follows(slots.get(j - 1), slots.get(j))
                    ? slots.get(j).from() : slots.get(j - 1).to());
            double width = percent(to - from);
            if (!kind.equals("ok")) {
                width = Math.max(FAILED_MIN_PERCENT, width);
            }
            html.append("<span class=\"ph ").append(kind).append("\" style=\"left:").append(pct(from))
                    .append("%;width:").append(fmt(width)).append("%\" title=\"+")
                    .append(Durations.measured(Duration.ofMillis(from))).append(" to +")
                    .append(Durations.measured(Duration.ofMillis(to))).append(": ").append(ok).append(" ok, ")
                    .append(failed).append(" failed\"></span>");
            i = j;
        }
        if (probe.longestOutageStart() != null && probe.longestOutageMs() > 0) {
            long from = millis(run, probe.longestOutageStart());
            String label = "longest outage " + Durations.measured(Duration.ofMillis(probe.longestOutageMs()));
            html.append("<span class=\"outage").append(percent(from) > 70 ? " end" : "").append("\" style=\"left:")
                    .append(pct(from)).append("%;width:").append(fmt(Math.max(FAILED_MIN_PERCENT,
                            percent(probe.longestOutageMs())))).append("%\" title=\"").append(esc(label))
                    .append(" from +").append(Durations.measured(Duration.ofMillis(from))).append("\"><b>")
                    .append(esc(label)).append("</b></span>");
        }
        html.append("</div></div>\n");
    }

    /**
     * Whether a bucket follows on from another. One empty bucket between them is no gap: requests start on their
     * own schedule, and one due at the very end of a bucket may start just inside the one after next.
     */
    private static boolean follows(Slot previous, Slot next) {
        return !next.from().isAfter(previous.to().plusMillis(previous.widthMs()));
    }

    private static String kind(Slot slot) {
        if (slot.failed() == 0) {
            return "ok";
        }
        return slot.ok() == 0 ? "bad" : "part";
    }

    private void latency(Timeline run, ProbeSeries probe) {
        List<Slot> answered = probe.slots().stream().filter(slot -> slot.p50Ms() >= 0).toList();
        html.append("<div class=\"row lat\"><div class=\"name\"><b>latency</b><small>p50 solid, p99 dashed")
                .append("</small></div><div class=\"track\">");
        if (answered.isEmpty()) {
            html.append("<span class=\"none\">no answers</span></div></div>\n");
            return;
        }
        long max = answered.stream().mapToLong(Slot::p99Ms).max().orElse(1);
        long top = 1;
        while (top < max) {
            top *= 10;
        }
        top = Math.max(top, 10);
        double logTop = Math.log10(1 + top);
        StringBuilder p50 = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        // Columns of equal time, each the median p50 and the highest p99 of its buckets; a bucket in which nothing
        // was answered breaks both lines.
        double columnMillis = Math.max(scaleMillis / LATENCY_COLUMNS, 1);
        List<Slot> segment = new ArrayList<>();
        for (int k = 0; k <= answered.size(); k++) {
            Slot slot = k < answered.size() ? answered.get(k) : null;
            if (slot == null || (!segment.isEmpty() && !follows(segment.get(segment.size() - 1), slot))) {
                plot(run, segment, columnMillis, logTop, p50, p99);
                segment.clear();
            }
            if (slot != null) {
                segment.add(slot);
            }
        }
        StringBuilder rules = new StringBuilder();
        for (long value = 1; value <= top; value *= 10) {
            rules.append("M0 ").append(fmt(y(value, logTop))).append(" H1000 ");
        }
        html.append("<svg viewBox=\"0 0 1000 100\" preserveAspectRatio=\"none\" aria-hidden=\"true\">")
                .append("<path class=\"rule\" d=\"").append(rules.toString().strip()).append("\"/>")
                .append("<path class=\"p99\" d=\"").append(p99.toString().strip()).append("\"/>")
                .append("<path class=\"p50\" d=\"").append(p50.toString().strip()).append("\"/></svg>");
        for (long value = 1; value <= top; value *= 10) {
            html.append("<span class=\"y\" style=\"bottom:").append(fmt(100 - y(value, logTop))).append("%\">")
                    .append(value >= 1000 ? value / 1000 + " s" : value + " ms").append("</span>");
        }
        html.append("</div></div>\n");
    }

    private void plot(Timeline run, List<Slot> segment, double columnMillis, double logTop, StringBuilder p50,
                      StringBuilder p99) {
        List<Long> fifties = new ArrayList<>();
        long highest = -1;
        long column = Long.MIN_VALUE;
        String command = "M";
        for (int k = 0; k <= segment.size(); k++) {
            Slot slot = k < segment.size() ? segment.get(k) : null;
            long at = slot == null ? Long.MAX_VALUE
                    : (long) ((millis(run, slot.from()) + slot.widthMs() / 2.0) / columnMillis);
            if (at != column && column != Long.MIN_VALUE) {
                fifties.sort(Long::compare);
                double x = Math.min(1000, (column + 0.5) * columnMillis / scaleMillis * 1000);
                p50.append(command).append(fmt(x)).append(' ')
                        .append(fmt(y(fifties.get((fifties.size() - 1) / 2), logTop))).append(' ');
                p99.append(command).append(fmt(x)).append(' ').append(fmt(y(highest, logTop))).append(' ');
                command = "L";
                fifties.clear();
                highest = -1;
            }
            if (slot != null) {
                column = at;
                fifties.add(slot.p50Ms());
                highest = Math.max(highest, slot.p99Ms());
            }
        }
        if (segment.size() == 1) {
            // a lone answered bucket: a short tick, so that it shows
            p50.append("h1 ");
            p99.append("h1 ");
        }
    }

    /** Latency on a log scale, so that a 2 ms answer and a 5 s timeout are both seen; 0 at the top of 100. */
    private static double y(long millis, double logTop) {
        return 100 - 100 * Math.log10(1 + Math.max(0, millis)) / logTop;
    }

    // ---- the tables ----

    private void summary(Timeline run) {
        Timeline.RunSummary summary = run.summary();
        if (summary == null) {
            html.append("<p>No summary: the stream ends before the run did.</p>\n");
            return;
        }
        html.append("<dl class=\"facts small\">\n");
        fact("Outcome", esc(or(summary.outcome(), "unknown")));
        fact("Exit code", esc(or(summary.exitCode(), "unknown")));
        if (summary.error() != null) {
            html.append("<div class=\"wide\"><dt>Error</dt><dd>").append(esc(summary.error())).append("</dd></div>\n");
        }
        html.append("</dl>\n");
        table("Services", summary.services());
        table("Probes", summary.probes());
    }

    private void table(String caption, Table table) {
        if (table.isEmpty()) {
            return;
        }
        html.append("<div class=\"scroll\"><table>\n<caption>").append(caption).append("</caption>\n<thead><tr>");
        for (String header : table.headers()) {
            html.append("<th scope=\"col\">").append(esc(header)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : table.rows()) {
            html.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                boolean number = cell.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
                String tag = i == 0 ? "th scope=\"row\"" : "td";
                html.append('<').append(tag).append(number ? " class=\"num\"" : "").append('>')
                        .append(decorate(table.keys().get(i), cell)).append("</").append(i == 0 ? "th" : "td")
                        .append('>');
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
    }

    /** An outcome gets a symbol too, so that it is never told by colour alone. */
    private static String decorate(String key, String cell) {
        if (!"outcome".equals(key)) {
            return esc(cell);
        }
        String symbol = switch (cell) {
            case "redeployed" -> "✓ ";
            case "not_started" -> "– ";
            case "" -> "";
            default -> "✕ ";
        };
        return "<span class=\"o " + esc(cell) + "\"><span aria-hidden=\"true\">" + symbol + "</span>" + esc(cell)
               + "</span>";
    }

    private void events(Timeline run) {
        if (run.events().isEmpty()) {
            return;
        }
        html.append("<h3>Events</h3>\n<div class=\"scroll\"><table class=\"events\">\n<thead><tr>")
                .append("<th scope=\"col\">time (UTC)</th><th scope=\"col\">since start</th>")
                .append("<th scope=\"col\">service</th><th scope=\"col\">event</th><th scope=\"col\">detail</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (EventRow row : run.events()) {
            long at = millis(run, row.at());
            html.append("<tr><td>").append(CLOCK.format(row.at())).append("</td><td class=\"num\">+")
                    .append(String.format(Locale.ROOT, "%.3fs", at / 1000.0)).append("</td><td>")
                    .append(esc(row.subject())).append("</td><td>").append(esc(row.event())).append("</td><td>")
                    .append(esc(row.detail())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
    }

    // ---- helpers ----

    private static long millis(Timeline run, Instant at) {
        return Math.max(0, Duration.between(run.start(), at).toMillis());
    }

    private double percent(double millis) {
        return Math.max(0, Math.min(100, millis / scaleMillis * 100));
    }

    private String pct(double millis) {
        return fmt(percent(millis));
    }

    /** Two decimals at most, no trailing zeros: 0.01 % of 1280 px is a tenth of a pixel. */
    private static String fmt(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value);
        text = text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
        return text.equals("-0") ? "0" : text;
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--label:12rem;\
            font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
            color:var(--ink);background:#fff}
            *{box-sizing:border-box}
            body{margin:0}
            header.top,main,footer{max-width:1280px;margin:0 auto;padding:0 24px}
            header.top{padding-top:20px;border-bottom:1px solid var(--line)}
            .kicker{margin:0;color:var(--muted);font-size:.8rem;letter-spacing:.06em;text-transform:uppercase}
            h1{margin:.1em 0 .5em;font-size:1.6rem;line-height:1.2}
            h2{font-size:1.25rem;margin:1.6em 0 .2em}
            h3{font-size:1rem;margin:1.4em 0 .4em}
            .badge{display:inline-block;font-size:.95rem;vertical-align:middle;padding:.15em .6em;border-radius:1em;\
            border:1.5px solid currentColor;font-weight:600}
            .badge.good{color:#1a7f37;background:#dafbe1}.badge.bad{color:#b42318;background:#ffebe9}
            .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.5rem 1.5rem;margin:0 0 1rem}
            .facts div{min-width:0}.facts dt{color:var(--muted);font-size:.78rem}
            .facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
            .facts .wide{grid-column:1/-1}
            .facts.small{grid-template-columns:repeat(auto-fill,minmax(8rem,max-content))}
            .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
            .legend ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;margin:14px 0 0;padding:0;\
            font-size:.82rem;color:var(--muted)}
            .legend li{display:flex;align-items:center;gap:.4rem}
            .sw{display:inline-block;width:26px;height:13px;border:1px solid #57606a;border-radius:2px}
            .sym{font-weight:700}.line{display:inline-block;width:26px;border-top:2px solid #24292f}
            .line.p99{border-top:2px dashed #b42318}.line.stop{width:0;height:14px;border-top:0;border-left:2px dotted #8c959f}
            .lede{margin:.2em 0 .8em;color:var(--muted)}
            figure.chart{margin:0}
            .plot{position:relative;border:1px solid var(--line);border-radius:6px;padding:4px 10px}
            .grid{position:absolute;top:0;bottom:0;left:calc(var(--label) + 10px);right:10px;pointer-events:none}
            .grid i{position:absolute;top:0;bottom:0;border-left:1px solid #e8ecf0}
            .grid i.stop{border-left:2px dotted #8c959f}
            .row{position:relative;display:grid;grid-template-columns:var(--label) 1fr;align-items:stretch}
            .name{padding:4px 10px 4px 0;min-width:0;display:flex;flex-direction:column;justify-content:center}
            .name b{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
            .name small{color:var(--muted);font-size:.75rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
            .lane.sub .name{padding-left:1rem}.lane.sub .name b{font-weight:500}
            .track{position:relative;min-width:0}
            .lane .track{height:44px}.lane.sub .track{height:38px}
            .axis .track{height:20px;font-size:.72rem;color:var(--muted)}
            .axis .name{font-size:.72rem;color:var(--muted);padding:0}
            .t{position:absolute;top:2px;transform:translateX(-50%);white-space:nowrap}
            .t:first-child{transform:none}
            .wave,.sep,.url{font-size:.78rem;font-weight:600;color:var(--muted);padding:8px 0 2px;\
            border-top:1px solid var(--line);margin-top:4px;position:relative}
            .url{border-top:0;margin-top:0;padding-top:2px;font-weight:500;color:var(--ink);overflow-wrap:anywhere}
            .ph{position:absolute;top:17px;bottom:5px;border:1px solid rgba(31,35,40,.55);border-radius:2px;\
            overflow:hidden;white-space:nowrap;display:flex;align-items:center}
            .lane.sub .ph{top:15px;bottom:4px}
            .ph i{font-style:normal;font-size:.72rem;line-height:1.2;margin:0 3px;padding:0 3px;border-radius:2px;\
            background:rgba(255,255,255,.9);overflow:hidden;text-overflow:ellipsis}
            .requested{background:#eef1f4;border-style:dashed}
            .redeploying{background:repeating-linear-gradient(135deg,#e69f00 0 3px,#fbe5b6 3px 8px)}
            .running{background:radial-gradient(circle,#0b6fa4 1.1px,transparent 1.7px) 0 0/6px 6px,#d3eaf8}
            .drain{background:#c6e9d5}
            .lbdrain{background:repeating-linear-gradient(90deg,#b04a8a 0 2px,#f5deec 2px 7px)}
            .lbup{background:repeating-linear-gradient(0deg,#0072b2 0 1.5px,#d8e9f6 1.5px 6px)}
            .span{background:#fff;border-color:#8c959f}
            .ok{background:#a9dcc2;border-color:#5c9e7e}
            .bad{background:repeating-linear-gradient(45deg,#5c1208 0 1.5px,transparent 1.5px 5px),\
            repeating-linear-gradient(-45deg,#5c1208 0 1.5px,transparent 1.5px 5px),#d55e00;border-color:#5c1208}
            .gap{background:#fff;border:1px dashed #8c959f}
            .part{background:repeating-linear-gradient(135deg,#d55e00 0 2px,#a9dcc2 2px 6px)}
            .avail .track{height:40px}.avail .ph{top:16px;bottom:4px}
            .mk{position:absolute;top:0;bottom:0;width:0;border-left:2px solid #1a7f37}
            .mk b{position:absolute;top:1px;left:3px;font-size:.72rem;line-height:1.2;white-space:nowrap;font-weight:700}
            .mk.end b{left:auto;right:5px}
            .mk.ready{border-color:#1a7f37;color:#1a7f37}
            .mk.lbdrained{border-color:#8a3b6d;color:#8a3b6d;border-left-style:dashed}
            .mk.lbup{border-color:#005a8c;color:#005a8c;border-left-style:dashed}
            .mk.failed{border-color:#b42318;color:#b42318;border-left-width:3px}
            .outage{position:absolute;top:2px;height:12px;border:2px solid #b42318;border-bottom:0}
            .outage b{position:absolute;bottom:1px;left:4px;font-size:.72rem;color:#b42318;white-space:nowrap;\
            background:#fff;padding:0 2px}
            .outage.end b{left:auto;right:4px}
            .none{position:absolute;top:12px;left:0;font-size:.75rem;color:var(--muted)}
            .lat .track{height:76px;border-bottom:1px solid var(--line)}
            .lat svg{position:absolute;inset:6px 0 0 0;width:100%;height:calc(100% - 6px);overflow:visible}
            .lat path{fill:none;vector-effect:non-scaling-stroke;stroke-linejoin:round}
            .lat .rule{stroke:#e8ecf0;stroke-width:1}
            .lat .p50{stroke:#24292f;stroke-width:1.6}
            .lat .p99{stroke:#b42318;stroke-width:1.3;stroke-dasharray:4 3}
            .y{position:absolute;right:0;font-size:.65rem;color:var(--muted);transform:translateY(50%);\
            background:rgba(255,255,255,.8);padding:0 2px}
            .notes{margin:.8em 0;padding-left:1.2em}.notes li{color:#b42318;font-weight:600}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;font-size:.85rem;margin:.3em 0 1em;min-width:50%}
            caption{text-align:left;font-weight:600;padding:.2em 0;color:var(--muted)}
            th,td{text-align:left;padding:.3em .8em .3em 0;border-bottom:1px solid var(--line);vertical-align:top}
            thead th{font-size:.78rem;color:var(--muted);font-weight:600;border-bottom:1.5px solid #8c959f}
            tbody th{font-weight:600}
            td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
            .events td{font-variant-numeric:tabular-nums}
            .o.redeployed,.o.success{color:#1a7f37}.o.failed,.o.timed_out,.o.interrupted{color:#b42318}
            footer{color:var(--muted);font-size:.78rem;padding-top:1em;padding-bottom:2em}
            @media (max-width:700px){
            :root{--label:0px;font-size:14px}
            header.top,main,footer{padding:0 12px}header.top{padding-top:12px}
            .row{grid-template-columns:1fr}
            .name{padding:6px 0 0;flex-direction:row;justify-content:flex-start;align-items:baseline;gap:.5rem}
            .axis .name{display:none}
            .grid{left:10px}
            .t.odd{display:none}
            .lane.sub .name{padding-left:.8rem}
            }
            @media print{
            @page{size:A4 landscape;margin:10mm}
            :root{font-size:10pt;--line:#999}
            header.top,main,footer{max-width:none;padding:0}
            .plot,.plot *,.sw,.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
            .plot{border-color:#666}
            figure.chart,tr,.legend{break-inside:avoid}
            h2,h3{break-after:avoid}
            }
            """;
}
