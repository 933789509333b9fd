/*
 * zdd against the docker CLI on Docker Swarm: two single-replica services behind a real HAProxy, under load, each
 * redeployed in turn by two sequential `docker service update --force` and by `zdd redeploy --platform swarm`.
 * Run it with bench/swarm (which starts the private dockerd and launches this file with the jar on the class path);
 * see README.md, "Performance". Its services have names of their own and are removed on exit, however it ends.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.probe.AvailabilityProber;
import dev.zdd.probe.ProbeReport;
import dev.zdd.probe.ProbeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

public final class SwarmBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = System.getenv().getOrDefault("ZDD_SWARM_IMAGE", "zdd-busybox:latest");
    static final Duration WITHIN = Duration.ofSeconds(90);
    /** As SwarmBehindHaproxyIT: busybox httpd forks per connection; one carries it all while the other restarts. */
    static final Duration LOAD_INTERVAL = Duration.ofMillis(10);
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    static final int RISE = 2;

    // ---- options

    int rounds = 3;
    String monitor;          // UpdateConfig.Monitor of the services, e.g. 5s; null: Swarm's default (5 s)
    String drain = "1s";
    List<Variant> variants = new ArrayList<>();
    Path out = Path.of("target", "bench");
    Path root = Path.of("").toAbsolutePath();

    /** One column of the table: a client and its arguments ({@code {P1}}, {@code {P2}} stand for the ports). */
    record Variant(String label, boolean docker, List<String> args) {
    }

    /** What one run of one client gave. */
    static final class Run {
        double totalSeconds;
        double swarmSeconds;          // Swarm's own update time, UpdateStatus StartedAt -> CompletedAt, both services
        double untilSecondStarts;     // from the client's start to Swarm's start of the second service's update
        long requests;
        long failures;
        long longestOutageMs;
        int exitCode;
        String problem;
    }

    final String tag = HexFormat.of().formatHex(randomBytes());
    final List<String> services = List.of("zdd-bench-" + tag + "-web-1", "zdd-bench-" + tag + "-web-2");
    final List<Integer> ports = new ArrayList<>();
    final List<String> created = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Path haproxyDir;
    Process haproxy;
    int frontend;

    public static void main(String[] args) throws Exception {
        SwarmBench bench = new SwarmBench();
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
                        usage: bench/swarm [--rounds 3] [--monitor DURATION] [--drain 1s] [--variant 'LABEL=ARGS']...
                        --monitor: the services' UpdateConfig.Monitor (default: Swarm's own, 5s).
                        --drain: zdd's --drain-delay in the default zdd column.
                        --variant: a column; ARGS starting with 'docker ' run the docker CLI once per service
                        (the service's name last), anything else is bin/zdd's arguments before the two names;
                        {P1} and {P2} stand for the services' ports. Without --variant: the docker CLI, and zdd with
                        --ready-url on each service's own port and --drain-delay (plus --lb when zdd has it).""");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--monitor" -> monitor = value;
                case "--drain" -> drain = value;
                case "--variant" -> {
                    int eq = value.indexOf('=');
                    String rest = value.substring(eq + 1).trim();
                    boolean docker = rest.startsWith("docker ");
                    List<String> words = List.of((docker ? rest.substring(7) : rest).trim().split("\\s+"));
                    variants.add(new Variant(value.substring(0, eq), docker, words));
                }
                default -> throw new IllegalArgumentException("unknown option " + name + " (see --help)");
            }
        }
    }

    int run() throws Exception {
        Files.createDirectories(out);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        String dockerd = docker("version", "--format", "{{.Server.Version}}").strip();
        for (int i = 0; i < services.size(); i++) {
            ports.add(freePort());
            createService(services.get(i), ports.get(i));
        }
        for (int i = 0; i < services.size(); i++) {
            awaitAnswers(ports.get(i));
        }
        startHaproxy();
        awaitAllUp();
        if (variants.isEmpty()) {
            variants.add(new Variant("docker service update --force", true, List.of("service", "update", "--force")));
            // --no-resolve-image: the image was imported on the node, it is on no registry to ask.
            String zdd = "--platform swarm --output json --no-resolve-image --ready-url http://127.0.0.1:{P1}/"
                         + " --ready-url http://127.0.0.1:{P2}/ --drain-delay " + drain;
            variants.add(new Variant("zdd, --ready-url + --drain-delay " + drain, false, List.of(zdd.split(" "))));
            if (zddHelp().contains("--lb ")) {
                variants.add(new Variant("zdd --lb", false, List.of(("--platform swarm --output json"
                        + " --no-resolve-image --lb unix://" + haproxyDir.resolve("admin.sock")).split(" "))));
            }
        }
        log("services " + services + " on ports " + ports + ", HAProxy on " + frontend + ", dockerd " + dockerd
            + ", monitor " + (monitor == null ? "Swarm's default" : monitor));

        Map<String, List<Run>> results = new LinkedHashMap<>();
        variants.forEach(v -> results.put(v.label(), new ArrayList<>()));
        for (int round = 1; round <= rounds; round++) {
            for (Variant variant : variants) {
                log("round " + round + " of " + rounds + ": " + variant.label());
                Run run = measured(variant);
                results.get(variant.label()).add(run);
                log(String.format(Locale.ROOT, "  %s: %.1f s (Swarm's updates %.1f s, second update started at"
                                               + " %.1f s), %d of %d requests failed, longest outage %d ms%s",
                        variant.label(), run.totalSeconds, run.swarmSeconds, run.untilSecondStarts, run.failures,
                        run.requests, run.longestOutageMs, run.problem == null ? "" : "; NOT COUNTED: "
                                                                                    + run.problem));
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        String report = machine(loadBefore, loadAfter, dockerd) + "\n" + table(results);
        System.out.println();
        System.out.println(report);
        Files.writeString(out.resolve("swarm-table.md"), report);
        log("written to " + out.resolve("swarm-table.md"));
        return results.values().stream().flatMap(List::stream).allMatch(r -> r.problem == null) ? 0 : 1;
    }

    // ---- one measured run

    Run measured(Variant variant) throws Exception {
        settle();
        Run run = new Run();
        AvailabilityProber prober = new AvailabilityProber(List.of(URI.create("http://127.0.0.1:" + frontend + "/")),
                new ProbeSettings(LOAD_INTERVAL, LOAD_TIMEOUT));
        prober.start();
        Thread.sleep(500); // the load's connections exist before anything changes
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try {
            if (variant.docker()) {
                for (String service : services) {
                    List<String> command = new ArrayList<>(List.of("docker"));
                    command.addAll(variant.args());
                    command.add(service);
                    Process p = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(out.resolve("swarm-docker.log").toFile()).start();
                    run.exitCode = finish(p);
                    if (run.exitCode != 0) {
                        run.problem = "docker exited " + run.exitCode + " (see " + out.resolve("swarm-docker.log")
                                      + ")";
                        break;
                    }
                }
            } else {
                List<String> command = new ArrayList<>(List.of(root.resolve("bin/zdd").toString(), "redeploy"));
                variant.args().forEach(a -> command.add(a.replace("{P1}", ports.get(0).toString())
                        .replace("{P2}", ports.get(1).toString())));
                command.addAll(services);
                Process p = new ProcessBuilder(command).redirectError(out.resolve("swarm-zdd.err").toFile())
                        .redirectOutput(out.resolve("swarm-zdd.out").toFile()).start();
                run.exitCode = finish(p);
                if (run.exitCode != 0) {
                    run.problem = "zdd exited " + run.exitCode + " (see " + out.resolve("swarm-zdd.err") + ")";
                }
            }
            run.totalSeconds = (System.nanoTime() - t0) / 1e9;
            awaitAllUp();
        } finally {
            ProbeReport report = prober.stop().get(0);
            run.requests = report.requests();
            run.failures = report.failures();
            run.longestOutageMs = report.longestOutageMs();
        }
        for (int i = 0; i < services.size(); i++) {
            JsonNode status = awaitCompleted(services.get(i));
            Instant start = Instant.parse(status.path("StartedAt").asText());
            Instant end = Instant.parse(status.path("CompletedAt").asText());
            run.swarmSeconds += Duration.between(start, end).toNanos() / 1e9;
            if (i == 1) {
                run.untilSecondStarts = Duration.between(started, start).toNanos() / 1e9;
            }
        }
        return run;
    }

    static int finish(Process p) throws InterruptedException {
        if (!p.waitFor(WITHIN.toSeconds() * 2, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Before a run: both services' updates over, both servers UP in HAProxy, then a second more. */
    void settle() throws Exception {
        for (String service : services) {
            JsonNode update = JSON.readTree(docker("service", "inspect", service, "--format",
                    "{{json .UpdateStatus}}"));
            if (update.isObject()) {
                awaitCompleted(service);
            }
        }
        awaitAllUp();
        Thread.sleep(1000);
    }

    JsonNode awaitCompleted(String service) throws Exception {
        long end = System.nanoTime() + WITHIN.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < end) {
            status = JSON.readTree(docker("service", "inspect", service, "--format", "{{json .UpdateStatus}}"));
            if ("completed".equals(status.path("State").asText())) {
                return status;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + "'s update did not complete within " + WITHIN + ": " + status);
    }

    // ---- the services, behind HAProxy

    /**
     * busybox httpd on the host network, one loopback port, a second of boot before it listens; a shell as PID 1
     * that ends at SIGTERM, as an application does (httpd itself would ignore it and cost a 10 s kill).
     */
    void createService(String name, int port) throws Exception {
        List<String> command = new ArrayList<>(List.of("service", "create", "--quiet", "--detach", "--name", name,
                "--label", "dev.zdd.bench=1", "--network", "host", "--stop-grace-period", "5s",
                "--restart-condition", "any"));
        if (monitor != null) {
            command.addAll(List.of("--update-monitor", monitor));
        }
        command.addAll(List.of(IMAGE, "/bin/sh", "-c",
                "trap 'exit 0' TERM; sleep 1; httpd -f -p 127.0.0.1:" + port + " -h /www & wait"));
        docker(command.toArray(String[]::new));
        created.add(name);
    }

    void awaitAnswers(int port) throws Exception {
        long end = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < end) {
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("nothing answers on port " + port + " within " + WITHIN);
    }

    /** As the end-to-end tests run it: checks every 500 ms, rise 2, fall 2, refused connections retried elsewhere. */
    void startHaproxy() throws Exception {
        haproxyDir = Files.createTempDirectory("zdd-bench-haproxy");
        frontend = freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                    stats socket %s mode 600 level admin
                    maxconn 2000

                defaults
                    mode http
                    log stdout format raw local0
                    option httplog
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s
                    timeout check 1s
                    timeout queue 5s
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response
                    option idle-close-on-response

                frontend web
                    bind 127.0.0.1:%d
                    default_backend app

                backend app
                    balance roundrobin
                    option httpchk GET /
                    default-server check inter %d rise %d fall 2 maxconn 8 observe layer4 error-limit 1 on-error mark-down
                """.formatted(haproxyDir.resolve("admin.sock"), frontend, CHECK_INTERVAL.toMillis(), RISE));
        for (int i = 0; i < services.size(); i++) {
            cfg.append("    server ").append(services.get(i)).append(" 127.0.0.1:").append(ports.get(i)).append('\n');
        }
        Path file = Files.writeString(haproxyDir.resolve("haproxy.cfg"), cfg.toString());
        haproxy = new ProcessBuilder("haproxy", "-f", file.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(haproxyDir.resolve("haproxy.log").toFile()).start();
    }

    void awaitAllUp() throws InterruptedException {
        long end = System.nanoTime() + WITHIN.toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() < end) {
            if (!haproxy.isAlive()) {
                throw new IllegalStateException("haproxy exited " + haproxy.exitValue());
            }
            try {
                last = haproxyStatus();
                if (last.size() == services.size() && last.values().stream().allMatch("UP"::equals)) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // its socket is not there yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not every HAProxy server UP within " + WITHIN + ": " + last);
    }

    Map<String, String> haproxyStatus() {
        String[] lines = admin("show stat").split("\n");
        List<String> header = Arrays.asList(lines[0].replaceFirst("^# ", "").split(","));
        int name = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && services.contains(fields[name])) {
                result.put(fields[name], fields[status]);
            }
        }
        return result;
    }

    String admin(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(haproxyDir.resolve("admin.sock")));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // HAProxy closes the socket after answering
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the table

    String table(Map<String, List<Run>> results) {
        List<String> columns = new ArrayList<>(results.keySet());
        StringBuilder text = new StringBuilder();
        line(text, prepend("", columns));
        List<String> rule = new ArrayList<>(List.of("---"));
        columns.forEach(c -> rule.add("---:"));
        line(text, rule);
        row(text, results, "total time, median of runs [a]", r -> fmt("%.1f s", median(r, x -> x.totalSeconds)));
        row(text, results, "  per service", r -> fmt("%.1f s", median(r, x -> x.totalSeconds) / services.size()));
        row(text, results, "Swarm's own update time, both services [b]", r -> fmt("%.1f s",
                median(r, x -> x.swarmSeconds)));
        row(text, results, "second service's update starts after [c]", r -> fmt("%.1f s",
                median(r, x -> x.untilSecondStarts)));
        row(text, results, "failed requests through HAProxy [d]", r -> r.stream().mapToLong(x -> x.failures).sum()
                + " of " + r.stream().mapToLong(x -> x.requests).sum());
        row(text, results, "longest outage through HAProxy", r -> r.stream().mapToLong(x -> x.longestOutageMs).max()
                .orElse(0) + " ms");
        text.append('\n').append(String.format(Locale.ROOT, """
                %d rounds; in each, every column one after another on the same two services (busybox httpd, host \
                network, one replica each, 1 s of boot before it listens, a shell as PID 1 that ends at SIGTERM; \
                update config %s, stop-first), behind HAProxy 2.6 (checks every %d ms, rise %d, fall 2, refused \
                connections retried on the other server), with one GET every %d ms through it.
                [a] wall time of the client, from its start to its exit: the docker CLI's two commands one after \
                the other, zdd's one process (JVM start included).
                [b] UpdateStatus.StartedAt to CompletedAt of each service, summed: what Swarm itself took, its \
                monitor period included.
                [c] from the client's start to Swarm's start of the second service's update.
                [d] GETs through HAProxy from 0.5 s before the client's start until both servers were UP in \
                HAProxy again (no answer within %d s, a connection error or a non-2xx answer counts), summed over \
                the rounds.
                """, rounds, monitor == null ? "Swarm's default (monitor 5 s, failure action pause)" : "monitor "
                        + monitor, CHECK_INTERVAL.toMillis(), RISE, LOAD_INTERVAL.toMillis(),
                LOAD_TIMEOUT.toSeconds()));
        String uncounted = results.values().stream().flatMap(List::stream).filter(r -> r.problem != null)
                .map(r -> r.problem).reduce((a, b) -> a + "; " + b).orElse(null);
        if (uncounted != null) {
            text.append("Runs with a problem: ").append(uncounted).append('\n');
        }
        return text.toString();
    }

    void row(StringBuilder text, Map<String, List<Run>> results, String name,
             java.util.function.Function<List<Run>, String> cell) {
        List<String> row = new ArrayList<>(List.of(name));
        results.values().forEach(runs -> {
            List<Run> counted = runs.stream().filter(r -> r.problem == null).toList();
            row.add(counted.isEmpty() ? "n/a" : cell.apply(counted));
        });
        line(text, row);
    }

    static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    static void line(StringBuilder text, List<String> cells) {
        text.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        List<Double> sorted = runs.stream().map(f::applyAsDouble).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    String machine(String loadBefore, String loadAfter, String dockerd) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        return String.format(Locale.ROOT, "Machine: %d cores (%s), Java %s, Docker Engine %s (vfs storage), HAProxy;"
                                          + " %s; load average before %s, after %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"), dockerd,
                Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", loadBefore, loadAfter);
    }

    // ---- plumbing

    String zddHelp() throws Exception {
        Process p = new ProcessBuilder(root.resolve("bin/zdd").toString(), "redeploy", "--help")
                .redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return help;
    }

    static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static byte[] randomBytes() {
        byte[] bytes = new byte[3];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    synchronized void cleanUp() {
        for (String service : List.copyOf(created)) {
            try {
                docker("service", "rm", service);
            } catch (Exception e) {
                log("could not remove " + service + ": " + e.getMessage());
            }
        }
        created.clear();
        if (haproxy != null) {
            haproxy.destroy();
            try {
                if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            haproxy = null;
        }
    }

    static void log(String message) {
        System.err.println("[bench/swarm] " + message);
    }
}
