package dev.zdd.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.Version;
import dev.zdd.platform.Container;
import dev.zdd.probe.ProbeBuckets;
import dev.zdd.probe.ProbeReport;
import dev.zdd.rollout.LbRestoration;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.Plan;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.rollout.Target;
import dev.zdd.time.Durations;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;

/**
 * NDJSON on stdout, one object per event, each with {@code event} and {@code time} (ISO-8601, UTC); nothing else
 * goes to stdout, and the {@code summary} object is always the last line.
 *
 * <p>Every event can also be kept (for {@code --report}, whatever the output format): the page is made of the very
 * objects that {@code --output json} prints. Events come from the rollout's thread and the prober's, so emitting is
 * synchronized.
 */
public final class JsonRenderer implements Renderer {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter out;
    private final Clock clock;
    private final Consumer<JsonNode> keep;
    private final Instant started;
    private String platform;

    public JsonRenderer(PrintWriter out, Clock clock) {
        this(out, clock, event -> { });
    }

    /**
     * @param out  where the NDJSON goes, or null to print nothing (text output with {@code --report})
     * @param keep what else gets every event, in order
     */
    public JsonRenderer(PrintWriter out, Clock clock, Consumer<JsonNode> keep) {
        this.out = out;
        this.clock = clock;
        this.keep = keep;
        this.started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The platform the run talks to, for the summary, once it is known. */
    public void platform(String name) {
        this.platform = name;
    }

    /** A probe URL's buckets, as the prober hands them out: about once a second, and the rest when it stops. */
    public void probe(ProbeBuckets buckets) {
        ObjectNode event = event("probe").put("url", buckets.url().toString()).put("from", buckets.from().toString())
                .put("bucketMs", buckets.width().toMillis());
        ArrayNode ok = event.putArray("ok");
        ArrayNode failed = event.putArray("failed");
        ArrayNode p50 = event.putArray("p50Ms");
        ArrayNode p99 = event.putArray("p99Ms");
        for (ProbeBuckets.Bucket bucket : buckets.buckets()) {
            ok.add(bucket.ok());
            failed.add(bucket.failed());
            p50.add(bucket.p50Ms());
            p99.add(bucket.p99Ms());
        }
        emit(event);
    }

    @Override
    public void plan(Plan planned) {
        ObjectNode plan = event("plan");
        ArrayNode services = plan.putArray("services");
        for (Target target : planned.targets()) {
            ObjectNode service = services.addObject().put("name", target.label()).put("uuid", target.id())
                    .put("state", target.service().stateLabel())
                    .put("imageBefore", target.image().before()).put("image", target.image().after());
            List<Plan.LbEntry> servers = planned.lbServers(target);
            if (!servers.isEmpty()) {
                ArrayNode lb = service.putArray("lb");
                for (Plan.LbEntry entry : servers) {
                    LoadBalancer.Server server = entry.server();
                    lb.addObject().put("lb", entry.lb()).put("backend", server.backend()).put("server", server.name())
                            .put("address", server.address()).put("status", server.status())
                            .put("sessions", server.sessions());
                }
            }
        }
        ArrayNode waves = plan.putArray("waves");
        for (List<Target> wave : planned.waves()) {
            ArrayNode names = waves.addArray();
            wave.forEach(target -> names.add(target.label()));
        }
        plan.put("dryRun", planned.dryRun());
        plan.put("worstCaseSeconds", Durations.seconds(planned.worstCase()));
        emit(plan);
    }

    @Override
    public void redeploying(Target target, Container container) {
        ObjectNode event = event("redeploy").put("service", target.label()).put("uuid", target.id());
        emit(withContainer(event, container).put("image", target.image().after()));
    }

    @Override
    public void stateChanged(Target target, Container container, String state) {
        emit(withContainer(event("state").put("service", target.label()), container).put("state", state));
    }

    @Override
    public void ready(Target target, Container container, Duration sinceRedeploy) {
        emit(withContainer(event("ready").put("service", target.label()), container)
                .put("seconds", Durations.seconds(sinceRedeploy)));
    }

    @Override
    public void draining(Target target, Duration delay) {
        emit(event("drain").put("service", target.label()).put("seconds", Durations.seconds(delay)));
    }

    @Override
    public void lbDraining(Target target, Container container, List<String> servers) {
        ObjectNode event = withContainer(event("lb-drain").put("service", target.label()), container);
        ArrayNode names = event.putArray("servers");
        servers.forEach(names::add);
        emit(event);
    }

    @Override
    public void lbDrained(Target target, Container container, Duration took, int sessions, boolean timedOut,
                          int sessionsLeft) {
        // sessions: those still open when zdd went on (0 unless the drain timed out); sessionsAtStart: those the
        // drain waited for.
        ObjectNode event = withContainer(event("lb-drained").put("service", target.label()), container)
                .put("seconds", Durations.seconds(took)).put("sessions", sessionsLeft)
                .put("sessionsAtStart", sessions);
        if (timedOut) {
            event.put("timedOut", true);
        }
        emit(event);
    }

    @Override
    public void lbUp(Target target, Container container, Duration took) {
        emit(withContainer(event("lb-up").put("service", target.label()), container)
                .put("seconds", Durations.seconds(took)));
    }

    @Override
    public void failed(Target target, String reason) {
        emit(event("failed").put("service", target.label()).put("reason", reason));
    }

    @Override
    public void summary(RolloutReport report, List<ProbeReport> probes, Verdict verdict) {
        ObjectNode summary = summary(verdict.outcome(), verdict.exitCode());
        ArrayNode services = summary.putArray("services");
        for (ServiceReport service : report.services()) {
            ObjectNode line = services.addObject().put("name", service.name()).put("uuid", service.id())
                    .put("outcome", service.outcome().wireName()).put("seconds", Durations.seconds(service.took()))
                    .put("imageBefore", service.imageBefore()).put("image", service.image());
            if (service.reason() != null) {
                line.put("reason", service.reason());
            }
        }
        addProbes(summary, probes);
        if (!report.lbRestored().isEmpty()) {
            ArrayNode restored = summary.putArray("lbRestored");
            for (LbRestoration server : report.lbRestored()) {
                ObjectNode line = restored.addObject().put("server", server.server()).put("lb", server.lb())
                        .put("restored", server.restored());
                if (!server.restored()) {
                    line.put("error", server.failure());
                }
            }
        }
        if (!verdict.problems().isEmpty()) {
            summary.put("error", String.join("; ", verdict.problems()));
        }
        emit(summary);
    }

    /**
     * The summary of a run that zdd did not make (the demo's naive redeploy), which has therefore no exit code:
     * what happened to the services, and what the probes saw.
     */
    public void summary(List<ServiceReport> services, List<ProbeReport> probes, String outcome) {
        ObjectNode summary = summary(outcome, 0);
        summary.remove("exitCode");
        ArrayNode lines = summary.putArray("services");
        for (ServiceReport service : services) {
            lines.addObject().put("name", service.name()).put("uuid", service.id())
                    .put("outcome", service.outcome().wireName()).put("seconds", Durations.seconds(service.took()));
        }
        addProbes(summary, probes);
        emit(summary);
    }

    private static void addProbes(ObjectNode summary, List<ProbeReport> probes) {
        ArrayNode probeLines = summary.putArray("probes");
        for (ProbeReport probe : probes) {
            ObjectNode line = probeLines.addObject().put("url", probe.url().toString())
                    .put("requests", probe.requests()).put("failures", probe.failures())
                    .put("longestOutageMs", probe.longestOutageMs()).put("latencyP50Ms", probe.latencyP50Ms())
                    .put("latencyP99Ms", probe.latencyP99Ms());
            if (probe.longestOutageStart() != null) {
                line.put("longestOutageStart", probe.longestOutageStart().truncatedTo(ChronoUnit.MILLIS).toString());
            }
        }
    }

    /** Additions for the report's header: when the command started, the platform, zdd's version. */
    private ObjectNode summary(String outcome, int exitCode) {
        ObjectNode summary = event("summary").put("outcome", outcome).put("exitCode", exitCode)
                .put("started", started.toString());
        if (platform != null) {
            summary.put("platform", platform);
        }
        return summary.put("zdd", Version.get());
    }

    /** The summary of a run that never started because its command line was wrong: {@code problems} says how. */
    public void usageSummary(List<String> problems, int exitCode) {
        ObjectNode summary = summary(RunOutcome.REFUSED.wireName(), exitCode);
        summary.putArray("services");
        summary.putArray("probes");
        summary.put("error", String.join("; ", problems));
        emit(summary);
    }

    /** A container's id, and its name, which outlives the id when the platform replaces the container. */
    private static ObjectNode withContainer(ObjectNode event, Container container) {
        return container == null ? event
                : event.put("container", container.id()).put("containerName", container.name());
    }

    private ObjectNode event(String name) {
        return MAPPER.createObjectNode().put("event", name).put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    private synchronized void emit(ObjectNode event) {
        keep.accept(event);
        if (out == null) {
            return;
        }
        try {
            out.println(MAPPER.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
