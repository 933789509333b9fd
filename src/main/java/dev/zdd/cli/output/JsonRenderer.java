package dev.zdd.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.Container;
import dev.zdd.probe.ProbeReport;
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
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * NDJSON on stdout, one object per event, each with {@code event} and {@code time} (ISO-8601, UTC); nothing else
 * goes to stdout, and the {@code summary} object is always the last line.
 */
public final class JsonRenderer implements Renderer {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter out;
    private final Clock clock;

    public JsonRenderer(PrintWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void plan(Plan planned) {
        ObjectNode plan = event("plan");
        ArrayNode services = plan.putArray("services");
        for (Target target : planned.targets()) {
            services.addObject().put("name", target.label()).put("uuid", target.id())
                    .put("state", target.service().stateLabel());
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
        emit(withContainer(event, container));
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
    public void failed(Target target, String reason) {
        emit(event("failed").put("service", target.label()).put("reason", reason));
    }

    @Override
    public void summary(RolloutReport report, List<ProbeReport> probes, Verdict verdict) {
        ObjectNode summary = event("summary").put("outcome", verdict.outcome()).put("exitCode", verdict.exitCode());
        ArrayNode services = summary.putArray("services");
        for (ServiceReport service : report.services()) {
            ObjectNode line = services.addObject().put("name", service.name()).put("uuid", service.id())
                    .put("outcome", service.outcome().wireName()).put("seconds", Durations.seconds(service.took()));
            if (service.reason() != null) {
                line.put("reason", service.reason());
            }
        }
        ArrayNode probeLines = summary.putArray("probes");
        for (ProbeReport probe : probes) {
            probeLines.addObject().put("url", probe.url().toString()).put("requests", probe.requests())
                    .put("failures", probe.failures()).put("longestOutageMs", probe.longestOutageMs())
                    .put("latencyP50Ms", probe.latencyP50Ms()).put("latencyP99Ms", probe.latencyP99Ms());
        }
        if (!verdict.problems().isEmpty()) {
            summary.put("error", String.join("; ", verdict.problems()));
        }
        emit(summary);
    }

    /** The summary of a run that never started because its command line was wrong: {@code problems} says how. */
    public void usageSummary(List<String> problems, int exitCode) {
        ObjectNode summary = event("summary").put("outcome", RunOutcome.REFUSED.wireName()).put("exitCode", exitCode);
        summary.putArray("services");
        summary.putArray("probes");
        summary.put("error", String.join("; ", problems));
        emit(summary);
    }

    private static ObjectNode withContainer(ObjectNode event, Container container) {
        return container == null ? event : event.put("container", container.id());
    }

    private ObjectNode event(String name) {
        return MAPPER.createObjectNode().put("event", name).put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    private void emit(ObjectNode event) {
        try {
            out.println(MAPPER.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
