/*
 * zdd's benchmark: zdd against a re-statement of the 2015 redeploy script, on the same sandbox services under load.
 * Run it with bench/run (which builds the jar and launches this file with it on the class path); see README.md,
 * "Performance", for what each row means. Everything here is loopback, bounded in time, and cleaned up on exit.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Bench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCRIPT_AGENT = "zdd-bench/2015-script";
    static final Duration RUN_LIMIT = Duration.ofMinutes(5);

    // ---- options (bench/run passes its arguments through)

    int rounds = 3;
    int startupRuns = 7;
    int containers = 1;
    String bootTime = "2s";
    String bootJitter = "1s";
    String longBoot = "60s";
    String warmup = "1.5s";
    Duration drain = Duration.ofSeconds(10);
    Duration loadInterval = Duration.ofMillis(25);
    List<String> services = List.of("web-1", "web-2");
    List<String> targets = services; // what the clients redeploy, in order
    List<Variant> variants = new ArrayList<>();
    Path out = Path.of("target", "bench");
    Path root = Path.of("").toAbsolutePath();

    /** One way of running zdd: a column of the table. */
    record Variant(String label, List<String> args) {
    }

    /** What one run of one client gave. */
    static final class Run {
        String client;
        String agent;             // the User-Agent of its API requests ("zdd/" matches any zdd version)
        Map<String, Instant> back = new LinkedHashMap<>(); // when it decided each service was back
        Instant start;
        Instant end;
        double totalSeconds;
        double platformSeconds;   // sum of the platform's redeploy times (action accepted -> Success)
        double drainSeconds;
        List<Double> latenciesMs = new ArrayList<>();
        int premature;            // a "back" seen before the platform was done (a stale Running)
        long requests;
        long streamConnections;   // connections to the events stream (not API requests)
        double toFirstPostSeconds;  // from the run's start to its first redeploy POST reaching the sandbox
        double afterLastBackSeconds; // from deciding the last service was back to the run's end
        long waitingRequests;
        double waitingMinutes;
        long probeRequests;
        long probeFailures;
        long longestOutageMs;
        long peakRssKb = -1;
        String problem;           // why the run does not count, if it does not

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", String.valueOf(start));
            m.put("end", String.valueOf(end));
            m.put("totalSeconds", totalSeconds);
            m.put("platformSeconds", platformSeconds);
            m.put("drainSeconds", drainSeconds);
            m.put("latenciesMs", latenciesMs);
            Map<String, String> seen = new LinkedHashMap<>();
            back.forEach((k, v) -> seen.put(k, v.toString()));
            m.put("back", seen);
            m.put("requests", requests);
            m.put("streamConnections", streamConnections);
            m.put("toFirstPostSeconds", toFirstPostSeconds);
            m.put("afterLastBackSeconds", afterLastBackSeconds);
            m.put("waitingRequests", waitingRequests);
            m.put("waitingMinutes", waitingMinutes);
            m.put("probeRequests", probeRequests);
            m.put("probeFailures", probeFailures);
            m.put("longestOutageMs", longestOutageMs);
            m.put("peakRssKb", peakRssKb);
            m.put("problem", problem);
            return m;
        }
    }

    Process sandbox;
    Map<String, String> env = new LinkedHashMap<>();
    URI api;
    URI lb;
    String authorization;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final List<Process> children = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench();
        bench.parse(args);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanUp));
        int code;
        try {
            code = bench.run();
        } finally {
            bench.cleanUp();
        }
        System.exit(code);
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                System.out.println("""
                        usage: bench/run [--rounds 3] [--startup-runs 7] [--containers 1] [--boot-time 2s]
                                         [--boot-jitter 1s] [--warmup 1.5s] [--drain 10s] [--load-interval 25ms]
                                         [--long-boot 60s] [--variant 'LABEL=ZDD ARGS']...
                        --long-boot: one more run per client, of one service whose boot takes this long, for the
                        steady rate of API requests while waiting; 0s leaves it out.
                        Without --variant: zdd as it is, and also with --no-stream when zdd has that option.""");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--rounds" -> rounds = positive(name, value);
                case "--startup-runs" -> startupRuns = positive(name, value);
                case "--containers" -> containers = positive(name, value);
                case "--boot-time" -> bootTime = value;
                case "--boot-jitter" -> bootJitter = value;
                case "--long-boot" -> longBoot = value;
                case "--warmup" -> warmup = value;
                case "--drain" -> drain = duration(value);
                case "--load-interval" -> loadInterval = duration(value);
                case "--variant" -> {
                    int eq = value.indexOf('=');
                    String label = eq < 0 ? value : value.substring(0, eq);
                    String rest = eq < 0 ? "" : value.substring(eq + 1).trim();
                    variants.add(new Variant(label, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"))));
                }
                default -> throw new IllegalArgumentException("unknown option " + name + " (see --help)");
            }
        }
    }

    static int positive(String name, String value) {
        int n = Integer.parseInt(value);
        if (n < 1 || n > 100) {
            throw new IllegalArgumentException(name + " must be 1..100");
        }
        return n;
    }

    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("a duration is like 500ms or 10s, not " + text);
        }
        double n = Double.parseDouble(m.group(1));
        return Duration.ofNanos((long) (n * (m.group(2).equals("ms") ? 1e6 : 1e9)));
    }

    int run() throws Exception {
        Files.createDirectories(out);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        startSandbox();
        if (variants.isEmpty()) {
            variants.add(new Variant("zdd", List.of()));
            if (zddHelp().contains("--no-stream")) {
                variants.set(0, new Variant("zdd, stream", List.of()));
                variants.add(new Variant("zdd --no-stream", List.of("--no-stream")));
            }
        }
        log("sandbox: API " + api + ", load balancer " + lb + "; exports: " + env.keySet());
        settle(Instant.now());

        Map<String, List<Run>> results = new LinkedHashMap<>();
        results.put("2015 script", new ArrayList<>());
        variants.forEach(v -> results.put(v.label(), new ArrayList<>()));
        for (int round = 1; round <= rounds; round++) {
            log("round " + round + " of " + rounds + ": 2015 script");
            results.get("2015 script").add(measured("2015 script", this::script));
            for (Variant variant : variants) {
                log("round " + round + " of " + rounds + ": " + variant.label());
                results.get(variant.label()).add(measured(variant.label(), r -> zdd(variant, r)));
            }
        }

        log("start-up: " + startupRuns + " runs each of zdd --version and zdd services (after one unmeasured run)");
        double version = medianSeconds(List.of("--version"), false);
        double listing = medianSeconds(List.of("services"), true);

        Map<String, Run> longWaits = new LinkedHashMap<>();
        if (duration(longBoot).toMillis() > 0) {
            stopSandbox();
            String[] timings = {bootTime, bootJitter};
            Duration allDrain = drain;
            targets = List.of(services.get(0)); // the other keeps serving through the load balancer
            bootTime = longBoot;
            bootJitter = "0s";
            drain = Duration.ZERO;
            startSandbox();
            settle(Instant.now());
            log("long wait: one redeploy of " + targets.get(0) + " with a " + longBoot + " boot, per client");
            longWaits.put("2015 script", measured("2015 script", this::script));
            for (Variant variant : variants) {
                longWaits.put(variant.label(), measured(variant.label(), r -> zdd(variant, r)));
            }
            targets = services;
            bootTime = timings[0];
            bootJitter = timings[1];
            drain = allDrain;
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

        Table table = new Table(results, longWaits, version, listing);
        String report = machine(loadBefore, loadAfter) + "\n" + table.render();
        System.out.println();
        System.out.println(report);
        Files.writeString(out.resolve("table.md"), report);
        Map<String, List<Map<String, Object>>> raw = new LinkedHashMap<>();
        results.forEach((label, runs) -> raw.put(label, runs.stream().map(Run::toMap).toList()));
        Files.writeString(out.resolve("runs.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        log("written to " + out.resolve("table.md") + " and " + out.resolve("runs.json"));
        return table.allRunsCounted() ? 0 : 1;
    }

    // ---- the sandbox

    void startSandbox() throws Exception {
        List<String> command = List.of(java(), "-XX:+UseSerialGC", "-jar", root.resolve("target/zdd.jar").toString(),
                "sandbox", "--port", "0", "--lb-port", "0", "--services", String.join(",", services),
                "--containers", Integer.toString(containers), "--boot-time", bootTime, "--boot-jitter", bootJitter, "--warmup", warmup);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(out.resolve("sandbox.log").toFile());
        sandbox = start(builder);
        BufferedReader lines = new BufferedReader(new InputStreamReader(sandbox.getInputStream(),
                StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = lines.readLine()) != null && System.nanoTime() < deadline) {
            if (line.startsWith("export ")) {
                for (String pair : line.substring(7).trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        env.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            } else if (line.startsWith("# load balancer: ")) {
                lb = URI.create(line.substring("# load balancer: ".length()).trim());
            } else if (line.startsWith("# then:")) {
                break;
            }
        }
        if (!env.containsKey("TUTUM_REST_HOST") || lb == null) {
            throw new IllegalStateException("the sandbox did not print its export lines; see "
                                            + out.resolve("sandbox.log"));
        }
        api = URI.create(env.get("TUTUM_REST_HOST"));
        authorization = "Basic " + Base64.getEncoder().encodeToString(
                (env.get("TUTUM_USER") + ":" + env.get("TUTUM_APIKEY")).getBytes(StandardCharsets.UTF_8));
        Thread drainer = new Thread(() -> {
            try {
                lines.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // the sandbox ended
            }
        }, "sandbox-stdout");
        drainer.setDaemon(true);
        drainer.start();
    }

    void stopSandbox() throws InterruptedException {
        sandbox.destroy();
        if (!sandbox.waitFor(15, TimeUnit.SECONDS)) {
            sandbox.destroyForcibly();
        }
        env.clear();
        lb = null;
    }

    JsonNode stats() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(api.resolve("/sandbox/stats"))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET /sandbox/stats answered " + answer.statusCode()
                                            + ": is the jar older than the benchmark? rebuild it");
        }
        return JSON.readTree(answer.body());
    }

    /**
     * Waits until every container is back in the load balancer's rotation, and at least until the last redeploy's
     * container has warmed up and passed its rise checks, so that no run starts in the wake of the one before.
     */
    void settle(Instant notBefore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int backends = services.size() * containers;
        while (System.nanoTime() < deadline) {
            if (Instant.now().isAfter(notBefore) && stats().path("loadBalancer").path("inRotation").size() == backends) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the load balancer did not take every container back within 60 s");
    }

    // ---- one measured run: load on, the client, settle, load off, then read what the sandbox saw

    interface Client {
        void run(Run run) throws Exception;
    }

    Run measured(String label, Client client) throws Exception {
        Run run = new Run();
        run.client = label;
        AvailabilityProber prober = new AvailabilityProber(List.of(lb), new ProbeSettings(loadInterval,
                Duration.ofSeconds(2)));
        prober.start();
        try {
            client.run(run);
            // The last container must warm up and pass its rise checks: counted for both sides alike.
            settle(Instant.now().plus(duration(warmup)).plusMillis(1500));
        } finally {
            ProbeReport report = prober.stop().get(0);
            run.probeRequests = report.requests();
            run.probeFailures = report.failures();
            run.longestOutageMs = report.longestOutageMs();
        }
        if (run.problem == null) {
            analyse(run, stats());
        }
        log(String.format(Locale.ROOT, "  %s: total %.1f s, latencies %s ms, %d API requests, %d of %d LB requests"
                                       + " failed%s", label, run.totalSeconds, run.latenciesMs, run.requests,
                run.probeFailures, run.probeRequests, run.problem == null ? "" : "; NOT COUNTED: " + run.problem));
        return run;
    }

    void analyse(Run run, JsonNode stats) {
        String agent = run.agent;
        Function<JsonNode, Boolean> mine = node -> {
            String a = node.path("userAgent").asText("");
            return agent.endsWith("/") ? a.startsWith(agent) : a.equals(agent);
        };
        Map<String, Instant> seen = run.back;
        for (String service : targets) {
            JsonNode redeploy = null;
            for (JsonNode r : stats.path("redeploys")) {
                Instant start = Instant.parse(r.path("start").asText());
                if (mine.apply(r) && service.equals(r.path("service").asText()) && !start.isBefore(run.start)
                    && !start.isAfter(run.end)) {
                    redeploy = r;
                }
            }
            if (redeploy == null || redeploy.path("end").isNull() || !seen.containsKey(service)) {
                run.problem = "no finished redeploy of " + service + " or no moment it was seen back";
                return;
            }
            Instant posted = Instant.parse(redeploy.path("start").asText());
            Instant done = Instant.parse(redeploy.path("end").asText());
            Instant back = seen.get(service);
            run.platformSeconds += Duration.between(posted, done).toNanos() / 1e9;
            double latency = Duration.between(done, back).toNanos() / 1e6;
            run.latenciesMs.add(Math.round(latency * 10) / 10.0);
            if (latency < 0) {
                run.premature++;
            }
            run.waitingMinutes += Duration.between(posted, back).toNanos() / 60e9;
            for (JsonNode request : stats.path("requests").path("log")) {
                Instant at = Instant.parse(request.path("time").asText());
                if (mine.apply(request) && at.isAfter(posted) && !at.isAfter(back)) {
                    run.waitingRequests++;
                }
            }
        }
        for (JsonNode request : stats.path("requests").path("log")) {
            Instant at = Instant.parse(request.path("time").asText());
            if (mine.apply(request) && !at.isBefore(run.start) && !at.isAfter(run.end)) {
                run.requests++;
            }
        }
        Instant firstPost = null;
        for (JsonNode request : stats.path("requests").path("log")) {
            Instant at = Instant.parse(request.path("time").asText());
            if (mine.apply(request) && request.path("method").asText().equals("POST") && !at.isBefore(run.start)
                && (firstPost == null || at.isBefore(firstPost))) {
                firstPost = at;
            }
        }
        Instant lastBack = seen.values().stream().max(Instant::compareTo).orElse(run.end);
        run.toFirstPostSeconds = firstPost == null ? Double.NaN
                : Duration.between(run.start, firstPost).toNanos() / 1e9;
        run.afterLastBackSeconds = Duration.between(lastBack, run.end).toNanos() / 1e9
                                   - (run.agent.equals(SCRIPT_AGENT) ? drain.toNanos() / 1e9 : 0);
        for (JsonNode connection : stats.path("streamConnections").path("log")) {
            Instant at = Instant.parse(connection.path("time").asText());
            if (mine.apply(connection) && !at.isBefore(run.start) && !at.isAfter(run.end)) {
                run.streamConnections++;
            }
        }
    }

    // ---- the baseline: the 2015 script's algorithm, restated

    /**
     * For each service in order: look its uuid up by name, POST its redeploy, then GET the service until its state
     * reads Running (at once, then every 1 s; a Running read before the platform even reacted is accepted too, the
     * script's flaw), then sleep the drain delay (after the last service too, as the script did).
     */
    void script(Run run) throws Exception {
        run.agent = SCRIPT_AGENT;
        Map<String, Instant> seen = run.back;
        run.start = Instant.now();
        long t0 = System.nanoTime();
        for (String service : targets) {
            JsonNode list = scriptCall("GET", "/api/v1/service/?name=" + service);
            String uri = list.path("objects").get(0).path("resource_uri").asText();
            scriptCall("POST", uri + "redeploy/");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (true) {
                JsonNode state = scriptCall("GET", uri);
                if (state.path("state").asText().equals("Running")) {
                    seen.put(service, Instant.now());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    run.problem = service + " not Running within 5 minutes";
                    break;
                }
                Thread.sleep(1000);
            }
            Thread.sleep(drain.toMillis());
            run.drainSeconds += drain.toNanos() / 1e9;
        }
        run.totalSeconds = (System.nanoTime() - t0) / 1e9;
        run.end = Instant.now();
    }

    JsonNode scriptCall(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", authorization)
                .header("Accept", "application/json").header("User-Agent", SCRIPT_AGENT).build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": "
                                            + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    // ---- zdd

    void zdd(Variant variant, Run run) throws Exception {
        run.agent = "zdd/";
        Map<String, Instant> seen = run.back;
        List<String> command = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            command.addAll(List.of("/usr/bin/time", "-v"));
        }
        command.addAll(List.of(root.resolve("bin/zdd").toString(), "redeploy", "--output", "json",
                "--drain-delay", drain.toMillis() + "ms"));
        command.addAll(variant.args());
        command.addAll(targets);
        Path stdout = out.resolve("zdd.ndjson");
        Path stderr = out.resolve("zdd.stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(env);
        run.start = Instant.now();
        long t0 = System.nanoTime();
        Process zdd = start(builder);
        boolean ended = zdd.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS);
        run.totalSeconds = (System.nanoTime() - t0) / 1e9;
        run.end = Instant.now();
        if (!ended) {
            zdd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            run.problem = "zdd did not finish within " + RUN_LIMIT.toMinutes() + " minutes";
            return;
        }
        int exitCode = -1;
        for (String line : Files.readAllLines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = JSON.readTree(line);
            switch (event.path("event").asText()) {
                case "ready" -> seen.put(event.path("service").asText(), Instant.parse(event.path("time").asText()));
                case "drain" -> run.drainSeconds += event.path("seconds").asDouble();
                case "summary" -> exitCode = event.path("exitCode").asInt();
                default -> { }
            }
        }
        if (exitCode != 0) {
            run.problem = "zdd exited " + zdd.exitValue() + " (summary exitCode " + exitCode + "); see " + stderr;
        }
        if (timed) {
            Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)")
                    .matcher(Files.readString(stderr));
            while (m.find()) {
                run.peakRssKb = Long.parseLong(m.group(1));
            }
        }
    }

    String zddHelp() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/zdd").toString(), "redeploy", "--help")
                .redirectErrorStream(true);
        Process help = start(builder);
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        help.waitFor(30, TimeUnit.SECONDS);
        return text;
    }

    /** The median wall time of {@code bin/zdd ARGS}, after one unmeasured run (which fills the page cache). */
    double medianSeconds(List<String> args, boolean withSandbox) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i <= startupRuns; i++) {
            List<String> command = new ArrayList<>(List.of(root.resolve("bin/zdd").toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            if (withSandbox) {
                builder.environment().putAll(env);
            }
            long t0 = System.nanoTime();
            Process p = start(builder);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("zdd " + args + " failed or hung");
            }
            if (i > 0) {
                times.add((System.nanoTime() - t0) / 1e9);
            }
        }
        log("  zdd " + String.join(" ", args) + ": " + times.stream()
                .map(t -> String.format(Locale.ROOT, "%.3f", t)).toList() + " s");
        return percentile(times, 50);
    }

    // ---- the table

    final class Table {
        final Map<String, List<Run>> results;
        final Map<String, Run> longWaits;
        final double version;
        final double listing;

        Table(Map<String, List<Run>> results, Map<String, Run> longWaits, double version, double listing) {
            this.results = results;
            this.longWaits = longWaits;
            this.version = version;
            this.listing = listing;
        }

        boolean allRunsCounted() {
            return results.values().stream().flatMap(List::stream).allMatch(r -> r.problem == null)
                   && longWaits.values().stream().allMatch(r -> r.problem == null);
        }

        String render() {
            List<String> columns = new ArrayList<>(results.keySet());
            List<List<String>> rows = new ArrayList<>();
            row(rows, "total time, median of runs", r -> fmt("%.1f s", median(r, x -> x.totalSeconds)));
            row(rows, "platform's redeploy time (both services)", r -> fmt("%.1f s", median(r, x -> x.platformSeconds)));
            row(rows, "drain delays", r -> fmt("%.0f s", median(r, x -> x.drainSeconds)));
            row(rows, "client's overhead per service [a]", r -> fmt("%.2f s", median(r, this::overheadPerService)));
            row(rows, "  of which: start to first redeploy POST", r -> fmt("%.2f s", median(r, x -> x.toFirstPostSeconds)));
            row(rows, "  of which: last service back to exit [h]", r -> fmt("%.2f s", median(r,
                    x -> x.afterLastBackSeconds)));
            row(rows, "detection latency p50 [b]", r -> fmt("%.0f ms", pooledLatency(r, 50)));
            row(rows, "detection latency p99 [b]", r -> fmt("%.0f ms", pooledLatency(r, 99)));
            row(rows, "API requests per redeployed service [c]", r -> fmt("%.1f", median(r,
                    x -> (double) x.requests / targets.size())));
            if (!longWaits.isEmpty()) {
                List<String> row = new ArrayList<>(List.of("API requests while waiting, per minute [g]"));
                results.keySet().forEach(label -> {
                    Run run = longWaits.get(label);
                    row.add(run == null || run.problem != null ? "n/a" : fmt("%.1f", waitingRate(List.of(run)))
                            + " (" + run.waitingRequests + " in " + fmt("%.0f s)", run.waitingMinutes * 60));
                });
                rows.add(row);
            }
            row(rows, "events-stream connections per run", r -> fmt("%.0f", median(r, x -> x.streamConnections)));
            row(rows, "failed requests through the LB [d]", r -> r.stream().mapToLong(x -> x.probeFailures).sum()
                                                                  + " of " + r.stream().mapToLong(x -> x.probeRequests).sum());
            row(rows, "longest outage through the LB", r -> r.stream().mapToLong(x -> x.longestOutageMs).max()
                                                                 .orElse(0) + " ms");
            rows.add(zddOnly(columns, "start-up, `zdd --version`, median [e]", fmt("%.2f s", version)));
            rows.add(zddOnly(columns, "start-up, `zdd services`, median [e]", fmt("%.2f s", listing)));
            row(rows, "peak RSS of a two-service rollout [f]", r -> {
                List<Double> rss = counted(r).stream().filter(x -> x.peakRssKb > 0)
                        .map(x -> x.peakRssKb / 1024.0).toList();
                return rss.isEmpty() ? "n/a" : fmt("%.0f MB", percentile(rss, 50)) + fmt(" (max %.0f)",
                        rss.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            });

            StringBuilder text = new StringBuilder();
            List<String> header = new ArrayList<>(List.of(""));
            header.addAll(columns);
            line(text, header);
            List<String> rule = new ArrayList<>();
            header.forEach(h -> rule.add(h.isEmpty() ? "---" : "---:"));
            line(text, rule);
            rows.forEach(r -> line(text, r));
            text.append('\n').append(String.format(Locale.ROOT, """
                    %d rounds; in each, the 2015 script, then each zdd column, one after another, on the same sandbox \
                    (services %s, %d container(s) each, boot time %s plus a random 0 to %s, warm-up %s; load balancer checks every 500 ms, \
                    rise 2, fall 2), with one GET every %d ms through its load balancer. Both sides wait %s after each \
                    service (the script after the last one too, as it did; zdd only between services).
                    [a] (total time - platform's redeploy time - drain delays) / services. For zdd, total time is the \
                    process's wall time, JVM start-up included; for the script (run inside the benchmark's JVM), from \
                    its first request to the end of its last sleep.
                    [b] platform done = the instant the sandbox's redeploy action for the service reached Success \
                    (from GET /sandbox/stats); next action = the moment the client decided the service was back and \
                    started its drain: zdd's `ready` event, the script's GET answer that read Running. Latency = next \
                    action - platform done, over every service of every round (p99 of so few samples is their maximum). \
                    A negative latency would be a stale Running accepted: %s.
                    [c] every API request the client sent during its run (name look-ups, preflight, redeploys, waiting), \
                    per redeployed service, median of runs.
                    [d] GET requests through the load balancer from the start of each run until every container was \
                    back in rotation (no answer within 2 s, a connection error or a non-2xx answer counts as failed), \
                    summed over the rounds.
                    [e] wall time of bin/zdd (the launcher, JVM flags included), median of %d runs after one unmeasured \
                    run; `services` lists the sandbox's services over its API.
                    [f] "Maximum resident set size" of /usr/bin/time -v around bin/zdd redeploy, median of runs (max).
                    [g] after the rounds, on a second sandbox whose first service boots in %s (no jitter; no drain; \
                    the other service keeps serving): API requests each client sent after its redeploy POST up to \
                    the next action, per minute of that wait. Waits of 2 to 3 s (the rounds) would be dominated by \
                    the few requests any wait needs.
                    [h] for zdd, the summary and the JVM's exit; for the script, its last sleep is left out (counted \
                    in the drain delays).
                    """, rounds, String.join(", ", services), containers, bootTime, bootJitter, warmup, loadInterval.toMillis(),
                    drain.toSeconds() + " s", premature(), startupRuns, longBoot));
            text.append(targets());
            String uncounted = java.util.stream.Stream.concat(results.values().stream().flatMap(List::stream),
                            longWaits.values().stream()).filter(r -> r.problem != null)
                    .map(r -> r.client + ": " + r.problem).reduce((a, b) -> a + "; " + b).orElse(null);
            if (uncounted != null) {
                text.append("Runs left out of the table: ").append(uncounted).append('\n');
            }
            return text.toString();
        }

        /** Each of the targets (issue 16's for start-up and speed, earlier ones for the rest), per zdd column. */
        String targets() {
            StringBuilder text = new StringBuilder("\nTargets:\n");
            results.forEach((label, all) -> {
                List<Run> runs = counted(all);
                if (!label.startsWith("zdd") || runs.isEmpty()) {
                    return;
                }
                Run longWait = longWaits.get(label);
                List<Double> rss = runs.stream().filter(x -> x.peakRssKb > 0).map(x -> x.peakRssKb / 1024.0).toList();
                text.append("- ").append(label).append(": ")
                        .append(target("detection latency p50", pooledLatency(runs, 50), 20, "%.0f ms"))
                        .append("; ").append(longWait == null || longWait.problem != null ? "requests while waiting n/a"
                                : target("requests while waiting", waitingRate(List.of(longWait)), 10, "%.1f/min"))
                        .append("; ").append(target("overhead per service", median(runs, this::overheadPerService), 0.2,
                                "%.2f s"))
                        .append("; ").append(target("start to first redeploy POST", median(runs,
                                x -> x.toFirstPostSeconds), 0.3, "%.2f s"))
                        .append("; ").append(target("--version start-up", version, 0.25, "%.2f s"))
                        .append("; ").append(target("services start-up", listing, 0.45, "%.2f s"))
                        .append("; ").append(rss.isEmpty() ? "peak RSS n/a"
                                : target("peak RSS", percentile(rss, 50), 150, "%.0f MB"))
                        .append('\n');
            });
            return text.toString();
        }

        String target(String what, double value, double limit, String format) {
            return what + " " + fmt(format, value) + (value <= limit ? " (met, <= " : " (MISSED by "
                    + fmt(format, value - limit) + ", target <= ") + fmt(format, limit) + ")";
        }

        String premature() {
            List<String> parts = new ArrayList<>();
            results.forEach((label, runs) -> parts.add(label + " " + runs.stream().mapToInt(r -> r.premature).sum()));
            return String.join(", ", parts);
        }

        void row(List<List<String>> rows, String name, Function<List<Run>, String> cell) {
            List<String> row = new ArrayList<>(List.of(name));
            results.values().forEach(runs -> row.add(counted(runs).isEmpty() ? "n/a" : cell.apply(counted(runs))));
            rows.add(row);
        }

        List<String> zddOnly(List<String> columns, String name, String value) {
            List<String> row = new ArrayList<>(List.of(name));
            columns.forEach(c -> row.add(c.startsWith("zdd") ? value : "n/a"));
            return row;
        }

        List<Run> counted(List<Run> runs) {
            return runs.stream().filter(r -> r.problem == null).toList();
        }

        double overheadPerService(Run r) {
            return (r.totalSeconds - r.platformSeconds - r.drainSeconds) / targets.size();
        }

        double pooledLatency(List<Run> runs, double p) {
            return percentile(runs.stream().flatMap(r -> r.latenciesMs.stream()).toList(), p);
        }

        double waitingRate(List<Run> runs) {
            double minutes = runs.stream().mapToDouble(r -> r.waitingMinutes).sum();
            return runs.stream().mapToLong(r -> r.waitingRequests).sum() / minutes;
        }

        double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
            return percentile(runs.stream().map(r -> f.applyAsDouble(r)).toList(), 50);
        }

        void line(StringBuilder text, List<String> cells) {
            text.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
    }

    // ---- plumbing

    /** Nearest-rank percentile; for p 50 of an even count, the mean of the two middle values. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        if (p == 50 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    String machine(String loadBefore, String loadAfter) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        return String.format(Locale.ROOT, "Machine: %d cores (%s), %s, Java %s (%s); %s; load average before %s, after"
                                          + " %s%n", Runtime.getRuntime().availableProcessors(), cpu,
                memory(), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", loadBefore, loadAfter);
    }

    static String memory() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0) + " GiB")
                .orElse("?");
    }

    String java() {
        String home = System.getProperty("java.home");
        return Path.of(home, "bin", "java").toString();
    }

    synchronized Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        children.add(process);
        children.removeIf(p -> !p.isAlive() && p != process);
        return process;
    }

    synchronized void cleanUp() {
        for (Process p : children) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
