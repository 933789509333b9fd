package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.e2e.Haproxy;
import dev.zdd.e2e.Load;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.e2e.Zdd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 against a real registry: Debian's docker-registry on loopback with bcrypt htpasswd authentication
 * ({@code .ci/registry-up}), the test's own DOCKER_CONFIG, and two busybox httpd services behind HAProxy, created
 * from v1 pushed as {@code :latest}. Then v2 is pushed to the same tag (and v3 as {@code :v3}) and removed from the
 * engine, so that a task of them must be pulled, with credentials only zdd sends. Without credentials, and with an
 * unknown tag, zdd refuses (exit 4) and touches nothing; with them, it ships v2 under load with no failed request;
 * {@code --image :v3} rolls v3 everywhere, its credentials from a credential helper; a task that can't pull fails
 * its service at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SwarmRegistryIT {

    private static final List<String> SERVICES = List.of("zdd-e2e-img-1", "zdd-e2e-img-2");
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Duration ZDD_LIMIT = Duration.ofSeconds(120);
    /** After a task runs: HAProxy's rise (2 checks 500 ms apart) and slack for a loaded machine. */
    private static final String DRAIN = "3s";
    /** 100 requests a second: busybox httpd forks per connection (see SwarmBehindHaproxyIT). */
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(10);
    private static final Pattern PUSHED = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private String registry;
    private String repository;
    private String user;
    private String password;
    private Path dir;
    private Path loggedIn;
    private Path noCredentials;
    private Path viaHelper;
    private Path helpers;
    private TestSwarm swarm;
    private Haproxy haproxy;
    private final Map<String, String> ids = new LinkedHashMap<>();
    private final Map<String, String> digests = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void pushV1_createServicesFromIt_pushV2AndV3() throws Exception {
        registry = System.getenv("ZDD_TEST_REGISTRY");
        String passwordFile = System.getenv("ZDD_TEST_REGISTRY_PASSWORD_FILE");
        if (registry == null || passwordFile == null) {
            String message = "no test registry (ZDD_TEST_REGISTRY): bin/test starts one, as root; or eval"
                             + " \"$(.ci/registry-up)\"";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        Haproxy.requireInstalled();
        swarm = TestSwarm.connect();
        user = System.getenv().getOrDefault("ZDD_TEST_REGISTRY_USER", "zdd");
        password = Files.readString(Path.of(passwordFile)).strip();
        // A repository of this run's own: the registry is shared with whatever else runs.
        repository = registry + "/zdd-it-" + UUID.randomUUID().toString().substring(0, 8) + "/web";
        dir = Files.createTempDirectory("zdd-registry-it");
        loggedIn = dockerConfig("logged-in", "{\"auths\": {\"" + registry + "\": {\"auth\": \""
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                + "\"}}}");
        noCredentials = dockerConfig("none", "{}");
        viaHelper = dockerConfig("helper", "{\"credHelpers\": {\"" + registry + "\": \"zddtest\"}}");
        helpers = Files.createDirectories(dir.resolve("bin"));
        Path helper = helpers.resolve("docker-credential-zddtest");
        Files.writeString(helper, "#!/bin/sh\nread server\necho \"$server\" >> \"" + dir.resolve("helper-used")
                + "\"\nprintf '{\"ServerURL\": \"%s\", \"Username\": \"%s\", \"Secret\": \"%s\"}' \"$server\" '"
                + user + "' \"$(cat '" + passwordFile + "')\"\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));

        digests.put("v1", build("v1", repository + ":latest"));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : SERVICES) {
            int base = freePort() - 1; // replica 1 listens on base + slot
            ObjectNode spec = swarm.httpd(name, base, 1);
            ((ObjectNode) spec.path("TaskTemplate").path("ContainerSpec"))
                    .put("Image", repository + ":latest@" + digests.get("v1"));
            ids.put(name, swarm.create(spec, WITHIN));
            ports.put(name, base + 1);
        }
        haproxy = Haproxy.start(ports, Duration.ofSeconds(30));
        digests.put("v2", build("v2", repository + ":latest"));
        digests.put("v3", build("v3", repository + ":v3"));
        // Gone from the engine: a task of v2 or v3 must pull it from the registry, with credentials.
        docker(loggedIn, "rmi", repository + ":latest", repository + ":v3");
        System.out.printf("E2E issue13 setup: v1=%s v2=%s v3=%s%n", digests.get("v1"), digests.get("v2"),
                digests.get("v3"));
    }

    @AfterAll
    void removeEverything() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.close();
            }
        } finally {
            if (swarm != null) {
                swarm.close();
            }
            if (repository != null) {
                // Best effort, once the services are gone: the engine keeps what its tasks pulled.
                new ProcessBuilder("bash", "-c", "docker image ls -q --filter reference=\"$0\" | sort -u"
                        + " | xargs -r docker rmi -f", repository + "*").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            }
            if (dir != null) {
                // Its docker configs hold the registry's credentials.
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(1)
    void withoutCredentials_exit4_andBothServicesUntouched_stillServingV1() throws Exception {
        Map<String, JsonNode> before = specs();

        Zdd.Run run = zdd(noCredentials, "--drain-delay", DRAIN, SERVICES.get(0), SERVICES.get(1));

        System.out.printf("E2E issue13 no-credentials: exit=%d message=%s%n", run.exitCode(), message(run));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(message(run)).contains("preflight refused, nothing was redeployed", "no basic auth credentials",
                "no credentials for " + registry);
        assertThat(specs()).isEqualTo(before);
        assertThat(served()).containsOnly("v1");
    }

    @Test
    @Order(2)
    void anUnknownTag_exit4() throws Exception {
        Zdd.Run run = zdd(loggedIn, "--image", repository + ":no-such-tag", SERVICES.get(0), SERVICES.get(1));

        System.out.printf("E2E issue13 unknown-tag: exit=%d message=%s%n", run.exitCode(), message(run));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(message(run)).contains("manifest unknown");
        assertThat(served()).containsOnly("v1");
    }

    @Test
    @Order(3)
    void redeployShipsV2_underLoad_everyTaskOnItsDigest_noFailedRequest() throws Exception {
        haproxy.awaitAllUp(WITHIN);
        String before = image(SERVICES.get(0));
        Figures figures;
        Zdd.Run run;
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            run = zdd(loggedIn, "--drain-delay", DRAIN, "--probe", haproxy.url().toString(), "--probe-interval",
                    "50ms", SERVICES.get(0), SERVICES.get(1));
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            figures = load.stop().print("issue13", "redeploy-ships-v2");
        }
        String after = image(SERVICES.get(0));
        System.out.printf("E2E issue13 spec image: before=%s after=%s%n", before, after);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String v2 = repository + ":latest@" + digests.get("v2");
        for (String name : SERVICES) {
            assertThat(image(name)).isEqualTo(v2);
            assertThat(runningTaskImages(name)).containsOnly(v2);
        }
        assertThat(served()).containsOnly("v2");
        assertThat(figures.failed()).as("failed requests through HAProxy: " + haproxy.failedRequests()).isZero();
        assertThat(run.summary().path("services")).allSatisfy(s -> {
            assertThat(s.path("imageBefore").asText()).isEqualTo(repository + ":latest@" + digests.get("v1"));
            assertThat(s.path("image").asText()).isEqualTo(v2);
        });
        assertThat(run.stdout()).doesNotContain(password);
        assertThat(run.stderr()).doesNotContain(password);
    }

    @Test
    @Order(4)
    void imageV3_everywhere_withTheCredentialsOfAHelper() throws Exception {
        haproxy.awaitAllUp(WITHIN);

        Zdd.Run run = zdd(viaHelper, "--drain-delay", DRAIN, "--image", repository + ":v3", SERVICES.get(0),
                SERVICES.get(1));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String v3 = repository + ":v3@" + digests.get("v3");
        for (String name : SERVICES) {
            assertThat(image(name)).isEqualTo(v3);
            assertThat(runningTaskImages(name)).containsOnly(v3);
        }
        haproxy.awaitAllUp(WITHIN);
        assertThat(served()).containsOnly("v3");
        assertThat(Files.readAllLines(dir.resolve("helper-used"))).contains(registry);
    }

    @Test
    @Order(5)
    void aTaskThatCannotPull_failsItsServiceAtOnce() throws Exception {
        long start = System.nanoTime();

        Zdd.Run run = zdd(loggedIn, "--no-resolve-image", "--image", repository + ":never-pushed",
                SERVICES.get(0));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("E2E issue13 cannot-pull: exit=%d after %.1f s message=%s%n", run.exitCode(),
                took.toMillis() / 1000.0, message(run));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(message(run)).contains("No such image");
        assertThat(took).as("failed at once, not after --timeout 60s").isLessThan(Duration.ofSeconds(40));
    }

    // ---- helpers

    private Zdd.Run zdd(Path dockerConfig, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--platform", "swarm", "--poll-interval", "250ms", "--timeout",
                "60s"));
        all.addAll(List.of(args));
        Map<String, String> env = Map.of("DOCKER_CONFIG", dockerConfig.toString(),
                "PATH", helpers + ":" + System.getenv("PATH"));
        return Zdd.redeploy(env, ZDD_LIMIT, all.toArray(String[]::new));
    }

    /** What zdd said went wrong: its {@code zdd:} lines on stderr, else the reason the summary gives a service. */
    private static String message(Zdd.Run run) {
        String lines = String.join(" ", run.stderr().lines().filter(l -> l.startsWith("zdd: ")).toList());
        return lines.isEmpty() ? run.summary().path("services").path(0).path("reason").asText() : lines;
    }

    private Path dockerConfig(String name, String json) throws IOException {
        Path config = Files.createDirectories(dir.resolve(name));
        Files.writeString(config.resolve("config.json"), json);
        return config;
    }

    /** Imports a busybox image whose {@code /version} says {@code version}, pushes it as {@code tag}; its digest. */
    private String build(String version, String tag) throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs-" + version));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String tool : List.of("sh", "httpd", "sleep")) {
            Files.createSymbolicLink(rootfs.resolve("bin/" + tool), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("www/index.html"), "ok\n");
        Files.writeString(rootfs.resolve("www/version"), version + "\n");
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
        run(new ProcessBuilder("bash", "-c", "tar -C \"$0\" -c . | docker import --change 'ENV PATH=/bin'"
                + " --change 'CMD [\"/bin/sh\"]' - \"$1\"", rootfs.toString(), tag), "docker import " + tag);
        String output = docker(loggedIn, "push", tag);
        Matcher digest = PUSHED.matcher(output);
        assertThat(digest.find()).as("docker push " + tag + ": " + output).isTrue();
        return digest.group(1);
    }

    private static String docker(Path dockerConfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        return run(builder, String.join(" ", command));
    }

    private static String run(ProcessBuilder builder, String what) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish within 60 s");
        }
        assertThat(process.exitValue()).as(what + ": " + output).isZero();
        return output;
    }

    /** Each service's spec, with its version: unchanged means untouched. */
    private Map<String, JsonNode> specs() {
        Map<String, JsonNode> specs = new LinkedHashMap<>();
        ids.forEach((name, id) -> {
            JsonNode service = swarm.inspect(id);
            specs.put(name, service.path("Spec").deepCopy());
            specs.put(name + "/version", service.path("Version").deepCopy());
        });
        return specs;
    }

    private String image(String name) {
        return swarm.inspect(ids.get(name)).path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image")
                .asText();
    }

    private Set<String> runningTaskImages(String name) {
        Set<String> images = new HashSet<>();
        for (JsonNode task : swarm.tasks(ids.get(name))) {
            if ("running".equals(task.path("DesiredState").asText())) {
                assertThat(task.path("Status").path("State").asText()).as(task.toString()).isEqualTo("running");
                images.add(task.path("Spec").path("ContainerSpec").path("Image").asText());
            }
        }
        return images;
    }

    /** The versions that answer GET /version through HAProxy, over a few requests (round robin: both servers). */
    private Set<String> served() throws Exception {
        Set<String> versions = new HashSet<>();
        URI url = haproxy.url().resolve("/version");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            versions.add(answer.body().strip());
        }
        return versions;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
