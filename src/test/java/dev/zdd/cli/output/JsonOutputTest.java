package dev.zdd.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --output json}: stdout is NDJSON only, and the summary is the last line whatever happened. */
class JsonOutputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path home;

    Fixture zdd;
    Service web1;
    Service web2;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
    }

    @Test
    void success_emitsEveryEventInOrder_withTheFakeClocksTime() {
        zdd.platform.healthy(web1, Duration.ofSeconds(12)).healthy(web2, Duration.ofSeconds(3));

        Fixture.Result result = zdd.run("redeploy", "--output", "json", "web-1", "web-2");

        List<JsonNode> events = parse(result);
        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly(
                "plan", "redeploy", "state", "state", "ready", "drain", "redeploy", "state", "state", "ready",
                "summary");
        assertThat(events.get(0).get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(events.get(0).get("dryRun").asBoolean()).isFalse();
        assertThat(events.get(0).get("services").get(1).toString()).isEqualTo(
                "{\"name\":\"web-2\",\"uuid\":\"" + web2.id() + "\",\"state\":\"Running\",\"imageBefore\":null,"
                + "\"image\":null}");
        assertThat(events.get(1).toString()).isEqualTo("{\"event\":\"redeploy\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"service\":\"web-1\",\"uuid\":\"" + web1.id() + "\",\"image\":null}");
        assertThat(events.get(2).get("state").asText()).isEqualTo("Redeploying");
        assertThat(events.get(3).get("state").asText()).isEqualTo("Running");
        assertThat(events.get(4).get("seconds").asDouble()).isEqualTo(12.0);
        assertThat(events.get(5).get("seconds").asDouble()).isEqualTo(10.0);

        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.get("outcome").asText()).isEqualTo("success");
        assertThat(summary.get("exitCode").asInt()).isZero();
        assertThat(summary.get("probes").isArray()).isTrue();
        assertThat(summary.get("services").get(0).toString()).isEqualTo(
                "{\"name\":\"web-1\",\"uuid\":\"" + web1.id() + "\",\"outcome\":\"redeployed\",\"seconds\":12.0,"
                + "\"imageBefore\":null,\"image\":null}");
        assertThat(summary.has("error")).isFalse();
    }

    @Test
    void failure_emitsAFailedEvent_andSaysWhyInTheSummary() {
        zdd.platform.script(web1,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false),
                new Frame(Duration.ofSeconds(4), ServiceState.STOPPED, 0, ActionState.FAILED, false));

        List<JsonNode> events = parse(zdd.run("redeploy", "--output=json", "web-1", "web-2"));

        JsonNode failed = events.stream().filter(e -> e.get("event").asText().equals("failed")).findFirst().get();
        assertThat(failed.get("service").asText()).isEqualTo("web-1");
        assertThat(failed.get("reason").asText()).isNotBlank();
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.get("outcome").asText()).isEqualTo("failed");
        assertThat(summary.get("exitCode").asInt()).isEqualTo(1);
        assertThat(summary.get("services").get(1).get("outcome").asText()).isEqualTo("not_started");
    }

    static Stream<Arguments> everyPath() {
        return Stream.of(
                path("success", 0, f -> f.platform.healthy(f.platform.services().get(0), Duration.ofSeconds(1)),
                        "web-1"),
                path("timeout", 1, f -> f.platform.script(f.platform.services().get(0),
                        new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false)),
                        "--timeout", "5s", "web-1"),
                path("no service", 2, f -> { }),
                path("bad duration", 2, f -> { }, "--drain-delay", "soon", "web-1"),
                path("unknown option", 2, f -> { }, "--apikey", "web-1"),
                path("swarm per container", 2, f -> { }, "--platform", "swarm", "--per-container", "web-1"),
                path("the same service twice", 2, f -> { }, "web-1", "web-1"),
                path("no such service", 3, f -> { }, "nope"),
                path("preflight", 4, f -> f.platform.set(f.platform.services().get(0), ServiceState.STOPPED, 0),
                        "web-1"),
                path("no credentials", 5, Fixture::withoutCredentials, "web-1"),
                path("platform unreachable", 5, f -> f.platforms = c -> Fixture.failing(
                        PlatformException.transport("GET", "/api/v1/service/", "Connection refused", null)),
                        "web-1"),
                path("unexpected", 1, f -> f.platforms = c -> {
                    throw new IllegalStateException("boom");
                }, "web-1"),
                path("interrupted", 130, f -> {
                    f.platform.healthy(f.platform.services().get(0), Duration.ofSeconds(5));
                    f.time.onSleep(nap -> f.interrupts.raise());
                }, "web-1", "web-2"));
    }

    private static Arguments path(String name, int exitCode, Consumer<Fixture> setUp, String... services) {
        return Arguments.of(name, exitCode, setUp, services);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyPath")
    void everyLineIsJson_andTheSummaryIsLast_whateverHappened(String name, int exitCode, Consumer<Fixture> setUp,
                                                               String[] arguments) {
        setUp.accept(zdd);
        List<String> args = new ArrayList<>(List.of("redeploy", "--output", "json"));
        args.addAll(List.of(arguments));

        Fixture.Result result = zdd.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).isEqualTo(exitCode);
        List<JsonNode> events = parse(result);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.get("event").isTextual()).isTrue();
            assertThat(event.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        });
        assertThat(events).filteredOn(e -> e.get("event").asText().equals("summary")).hasSize(1);
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.get("event").asText()).isEqualTo("summary");
        assertThat(summary.get("exitCode").asInt()).isEqualTo(exitCode);
        assertThat(summary.get("services").isArray()).isTrue();
        assertThat(summary.get("probes").isArray()).isTrue();
        if (exitCode >= 2 && exitCode <= 5) {
            assertThat(result.err()).startsWith("zdd: ");
            assertThat(summary.get("error").asText()).isNotBlank();
        }
    }

    @Test
    void aRefusalSaysSoInTheSummary() {
        zdd.platform.set(web1, ServiceState.STOPPED, 0);

        JsonNode summary = last(zdd.run("redeploy", "--output", "json", "web-1"));

        assertThat(summary.get("outcome").asText()).isEqualTo("refused");
        assertThat(summary.get("error").asText()).startsWith("preflight refused");
    }

    @Test
    void anInterruptedRunListsWhatWasRedeployedAndWhatWasNot() {
        zdd.platform.healthy(web1, Duration.ofSeconds(1)).healthy(web2, Duration.ofSeconds(1));
        zdd.time.onSleep(nap -> {
            if (zdd.platform.redeployed().size() == 1 && nap.equals(Duration.ofSeconds(10))) {
                zdd.interrupts.raise();
            }
        });

        JsonNode summary = last(zdd.run("redeploy", "--output", "json", "web-1", "web-2"));

        assertThat(summary.get("outcome").asText()).isEqualTo("interrupted");
        assertThat(summary.get("exitCode").asInt()).isEqualTo(130);
        assertThat(summary.get("services").get(0).get("outcome").asText()).isEqualTo("redeployed");
        assertThat(summary.get("services").get(1).get("outcome").asText()).isEqualTo("not_started");
    }

    @Test
    void dryRun_plansWithDryRunTrue() {
        List<JsonNode> events = parse(zdd.run("redeploy", "--output", "json", "--dry-run", "web-1"));

        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("plan", "summary");
        assertThat(events.get(0).get("dryRun").asBoolean()).isTrue();
    }

    private static JsonNode last(Fixture.Result result) {
        List<JsonNode> events = parse(result);
        return events.get(events.size() - 1);
    }

    private static List<JsonNode> parse(Fixture.Result result) {
        assertThat(result.outLines()).isNotEmpty();
        List<JsonNode> events = new ArrayList<>();
        for (String line : result.outLines()) {
            try {
                JsonNode node = MAPPER.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                events.add(node);
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + line, e);
            }
        }
        return events;
    }
}
