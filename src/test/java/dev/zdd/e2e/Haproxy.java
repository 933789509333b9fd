package dev.zdd.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy on loopback in front of a fixed list of HTTP servers, configured as people ran it in front of
 * Tutum services: active HTTP checks every 500 ms, two in a row to take a server out or bring it back, and
 * connection failures retried on another server.
 */
public final class Haproxy implements AutoCloseable {

    /** What the checks cost: a server is back in rotation at most about rise x inter after it answers 2xx. */
    public static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    public static final int RISE = 2;

    private final Path dir;
    private final Process process;
    private final int port;
    private final List<String> servers;
    /** The stats page's port (stats admin, show-legends, behind {@link #STATS_CREDENTIALS}). */
    private int statsPort;
    /** With several backends: each one's own frontend port. */
    private final Map<String, Integer> frontends = new LinkedHashMap<>();
    private int logMark;

    private Haproxy(Path dir, Process process, int port, List<String> servers) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.servers = servers;
    }

    /**
     * Starts HAProxy with one backend per entry (backend name to its servers, each a name to a loopback port), each
     * behind a frontend of its own ({@link #url(String)}), and waits until every server is UP.
     */
    public static Haproxy startBackends(Map<String, Map<String, Integer>> backends, Duration upWithin)
            throws Exception {
        requireInstalled();
        Path dir = Files.createTempDirectory("zdd-haproxy");
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String backend : backends.keySet()) {
            ports.put(backend, freePort());
        }
        String first = backends.keySet().iterator().next();
        StringBuilder cfg = new StringBuilder(config(dir.resolve("admin.sock"), ports.get(first),
                backends.get(first)).replace("frontend web", "frontend " + first)
                .replace("default_backend app", "default_backend " + first).replace("backend app", "backend "
                                                                                                   + first));
        List<String> servers = new java.util.ArrayList<>(backends.get(first).keySet());
        for (Map.Entry<String, Map<String, Integer>> backend : backends.entrySet()) {
            if (backend.getKey().equals(first)) {
                continue;
            }
            String name = backend.getKey();
            cfg.append("\nfrontend ").append(name).append("\n    bind 127.0.0.1:").append(ports.get(name))
                    .append("\n    default_backend ").append(name).append("\n\nbackend ").append(name)
                    .append("\n    balance roundrobin\n    option httpchk GET /\n")
                    .append("    default-server check inter ").append(CHECK_INTERVAL.toMillis()).append(" rise ")
                    .append(RISE).append(" fall 2 maxconn 8 observe layer4 error-limit 1 on-error mark-down\n");
            backend.getValue().forEach((server, serverPort) -> cfg.append("    server ").append(server)
                    .append(" 127.0.0.1:").append(serverPort).append('\n'));
            servers.addAll(backend.getValue().keySet());
        }
        int statsPort = freePort();
        cfg.append(statsPage(statsPort));
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg.toString());
        Process process = new ProcessBuilder("haproxy", "-f", file.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy haproxy = new Haproxy(dir, process, ports.get(first), List.copyOf(servers));
        haproxy.statsPort = statsPort;
        haproxy.frontends.putAll(ports);
        try {
            haproxy.awaitAllUp(upWithin);
        } catch (Throwable e) {
            haproxy.close();
            throw e;
        }
        return haproxy;
    }

    /** The frontend of one backend, with {@link #startBackends}. */
    public URI url(String backend) {
        return URI.create("http://127.0.0.1:" + frontends.get(backend) + "/");
    }

    /**
     * Skips the calling test when haproxy is not installed, except under CI, where a skip would make a green build
     * mean nothing: there it fails.
     */
    public static void requireInstalled() {
        boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "haproxy")));
        String message = "haproxy is not installed (bin/test installs it, as root)";
        if (!installed && System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        assumeTrue(installed, message);
    }

    /** Starts HAProxy with one server per entry (name to loopback port) and waits until every one is UP. */
    public static Haproxy start(Map<String, Integer> servers, Duration upWithin) throws Exception {
        requireInstalled();
        Path dir = Files.createTempDirectory("zdd-haproxy");
        int port = freePort();
        int statsPort = freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config(dir.resolve("admin.sock"), port, servers) + statsPage(statsPort));
        Process process = new ProcessBuilder("haproxy", "-f", cfg.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy haproxy = new Haproxy(dir, process, port, List.copyOf(servers.keySet()));
        haproxy.statsPort = statsPort;
        try {
            haproxy.awaitAllUp(upWithin);
        } catch (Throwable e) {
            haproxy.close();
            throw e;
        }
        return haproxy;
    }

    static String config(Path socket, int port, Map<String, Integer> servers) {
        StringBuilder cfg = new StringBuilder("""
                global
                    stats socket %s mode 600 level admin
                    maxconn 2000

                defaults
                    mode http
                    # one line per request on stdout (haproxy.log), so a failed request says why
                    log stdout format raw local0
                    option httplog
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s
                    # a check with no answer within 1 s fails; a loaded 2-core machine needs that much slack
                    timeout check 1s
                    # requests beyond a server's maxconn wait in the backend's queue for any server with room
                    timeout queue 5s
                    # a refused connection (a container between stop and start) is tried again on another
                    # server: what hides a stopped server until the checks take it out
                    retries 3
                    option redispatch 1
                    # and so is a request whose connection the server closed or reset unanswered (a container
                    # killed between accept and answer): GETs are safe to send again
                    retry-on conn-failure empty-response
                    # without it, HAProxy drops keep-alive requests when it reloads or stops
                    option idle-close-on-response

                frontend web
                    bind 127.0.0.1:%d
                    default_backend app

                backend app
                    balance roundrobin
                    option httpchk GET /
                    # maxconn: busybox httpd listens with a backlog of 9 and forks per connection; more concurrent
                    # connections overflow its accept queue, and a dropped SYN costs a 1 s retransmission
                    # observe: a refused connection takes the server out at once, not only 2 failed checks later,
                    # so that its retries go to a server that serves
                    default-server check inter %d rise %d fall 2 maxconn 8 observe layer4 error-limit 1 on-error mark-down
                """.formatted(socket, port, CHECK_INTERVAL.toMillis(), RISE));
        servers.forEach((name, serverPort) ->
                cfg.append("    server ").append(name).append(" 127.0.0.1:").append(serverPort).append('\n'));
        return cfg.toString();
    }

    /** The credentials of the stats page. */
    public static final String STATS_CREDENTIALS = "zdd:st4ts-" + Long.toHexString(System.nanoTime());

    /**
     * The stats page, as people run it for their tools: the servers' CSV with their addresses (show-legends), and
     * orders (stats admin) behind credentials.
     */
    static String statsPage(int port) {
        return """

                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                    stats auth %s
                    stats admin if TRUE
                    stats show-legends
                """.formatted(port, STATS_CREDENTIALS);
    }

    /** The runtime API's {@code --lb} URL, e.g. {@code unix:///tmp/zdd-haproxy123/admin.sock}. */
    public String socketUrl() {
        return "unix://" + dir.resolve("admin.sock");
    }

    /** The stats page's {@code --lb} URL, without its credentials ({@link #STATS_CREDENTIALS}, ZDD_LB_AUTH). */
    public String statsUrl() {
        return "http://127.0.0.1:" + statsPort + "/stats";
    }

    /** The frontend, e.g. {@code http://127.0.0.1:40123/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Each server's status as HAProxy's stats say it: UP, DOWN, or a transition such as "UP 1/2". */
    public Map<String, String> status() {
        String[] lines = admin("show stat").split("\n");
        List<String> header = Arrays.asList(lines[0].replaceFirst("^# ", "").split(","));
        int name = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && servers.contains(fields[name])) {
                result.put(fields[name], fields[status]);
            }
        }
        return result;
    }

    /** Polls the stats (every 100 ms, bounded) until every server is UP. */
    public void awaitAllUp(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited " + process.exitValue() + ": " + log());
            }
            try {
                last = status();
                if (last.size() == servers.size() && last.values().stream().allMatch("UP"::equals)) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // the stats socket does not exist yet while HAProxy starts
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not every HAProxy server UP within " + within + ": " + last + "; log: " + log());
    }

    private String admin(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // HAProxy closes the socket after answering one command
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The requests HAProxy did not answer 2xx, counted by status and termination state (e.g. {@code 503 sQ--}: timed
     * out in the queue; {@code 503 SC--}: no server took the connection), for assertion messages.
     */
    public Map<String, Long> failedRequests() {
        Map<String, Long> failed = new java.util.TreeMap<>();
        String log = log();
        for (String line : log.substring(Math.min(logMark, log.length())).split("\n")) {
            String[] f = line.split(" ");
            // client [date] frontend backend/server timers status bytes - - termination ...
            if (f.length > 9 && line.contains("\"GET ") && !f[5].startsWith("2")) {
                failed.merge(f[5] + " " + f[9], 1L, Long::sum);
            }
        }
        return failed;
    }

    /** From now on, {@link #failedRequests} counts only what comes after this: one HAProxy, several scenarios. */
    public void markLog() {
        logMark = log().length();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
