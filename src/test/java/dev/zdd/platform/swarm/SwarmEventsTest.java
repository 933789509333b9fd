package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.Changes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which watched ids an Engine event changes, and the stream's life against a fake engine on a unix socket. */
@Timeout(20)
class SwarmEventsTest {

    private static final String WEB = "k3v8o2m1xq7dh4n0c9t5s6w2a";
    private static final String DB = "p0a9f8e7d6c5b4a3z2y1x0w9v";
    private static final String WEB_UPDATE = WEB + "/force-update/3";
    private static final String DB_UPDATE = DB + "/force-update/1";
    private static final Set<String> WATCHED = Set.of(WEB, WEB_UPDATE, DB, DB_UPDATE);

    @TempDir
    Path dir;

    private static String serviceEvent(String action, String id) {
        return """
                {"Type":"service","Action":"%s","Actor":{"ID":"%s","Attributes":{"name":"web",\
                "updatestate.new":"completed"}},"scope":"swarm","time":1716800000,"timeNano":1716800000123456789}\
                """.formatted(action, id);
    }

    private static String containerEvent(String action, String serviceId) {
        return """
                {"status":"%1$s","id":"0123abcd","from":"busybox","Type":"container","Action":"%1$s",\
                "Actor":{"ID":"0123abcd","Attributes":{"com.docker.swarm.service.id":"%2$s",\
                "com.docker.swarm.task.id":"t1","image":"busybox","name":"web.1.t1"}},"scope":"local",\
                "time":1716800000,"timeNano":1716800000123456789}\
                """.formatted(action, serviceId);
    }

    /** Events on a client of their own; the API's client is not needed for that. */
    static SwarmEvents eventsAt(URI host) {
        try (DockerApi api = new DockerApi(new SwarmConfig(host, false, null))) {
            return new SwarmEvents(api.streamClient(host), host);
        }
    }

    private SwarmEvents unopened() {
        return eventsAt(URI.create("unix://" + dir.resolve("none.sock")));
    }

    @Test
    void aServiceEventIsAboutItsActor_aContainerEventAboutItsTasksService() throws IOException {
        assertThat(SwarmEvents.serviceOf(DockerApi.json().readTree(serviceEvent("update", WEB)))).isEqualTo(WEB);
        assertThat(SwarmEvents.serviceOf(DockerApi.json().readTree(containerEvent("die", DB)))).isEqualTo(DB);
        assertThat(SwarmEvents.serviceOf(DockerApi.json().readTree(containerEvent("start", DB)))).isEqualTo(DB);
        assertThat(SwarmEvents.serviceOf(DockerApi.json().readTree(containerEvent("health_status: healthy", DB))))
                .isEqualTo(DB);
    }

    @Test
    void healthcheckRuns_stepsThatMoveNoTask_containersOfNoService_andOtherObjects_areNoChange()
            throws IOException {
        for (String event : new String[] {
                containerEvent("exec_start: /bin/sh -c test -e /tmp/healthy", WEB),
                containerEvent("exec_die", WEB),
                containerEvent("create", WEB),
                containerEvent("kill", WEB),
                containerEvent("stop", WEB),
                containerEvent("destroy", WEB),
                """
                {"Type":"container","Action":"start","Actor":{"ID":"0123abcd","Attributes":{"name":"loner"}}}""",
                """
                {"Type":"network","Action":"connect","Actor":{"ID":"n1","Attributes":{"container":"0123abcd"}}}""",
                "{}"}) {
            assertThat(SwarmEvents.serviceOf(DockerApi.json().readTree(event))).as(event).isNull();
        }
    }

    @Test
    void aLineWithoutEnd_isSkippedAsItComes_andTheNextEventStillCounts() throws Exception {
        try (SwarmEvents events = unopened()) {
            // A line far longer than any event, then a real one: the first is never held whole.
            java.io.InputStream stream = new java.io.SequenceInputStream(
                    new java.io.InputStream() {
                        private long left = 50L * 1024 * 1024;

                        @Override
                        public int read() {
                            return left-- > 0 ? 'x' : -1;
                        }
                    },
                    new java.io.ByteArrayInputStream(("\n" + containerEvent("start", WEB) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

            events.read(stream);

            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).containsExactlyInAnyOrder(WEB, WEB_UPDATE);
        }
    }

    @Test
    void aFloodOfEvents_costsNoRequest_andOfDistinctObjects_noMemoryWithoutEnd() throws Exception {
        // The events' client is the only one: a request per event would fail on this socket that does not exist.
        try (SwarmEvents events = unopened()) {
            for (int i = 0; i < 20_000; i++) {
                events.announced(serviceEvent("update", String.format("other%020d", i)));
            }

            // Past the limit the announcements say "anything may have changed": every watched id, at once.
            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).containsExactlyInAnyOrderElementsOf(WATCHED);
        }
    }

    @Test
    void anUpdateOfAService_changesWithItsService() {
        assertThat(SwarmEvents.serviceOfWatched(WEB_UPDATE)).isEqualTo(WEB);
        assertThat(SwarmEvents.serviceOfWatched(WEB)).isEqualTo(WEB);
    }

    @Test
    void aWaitReturnsTheWatchedIdsOfTheServicesAnnounced_andForgetsThem() throws InterruptedException {
        try (SwarmEvents events = unopened()) {
            events.announced(containerEvent("start", WEB));
            events.announced(serviceEvent("update", "someoneelse00000000000000"));
            events.announced("not json");
            events.announced("");

            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).containsExactlyInAnyOrder(WEB, WEB_UPDATE);
            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).isEmpty();
            events.announced(serviceEvent("update", DB));
            assertThat(events.awaitChange(Set.of(DB_UPDATE), Duration.ZERO)).containsExactly(DB_UPDATE);
        }
    }

    @Test
    void aNodeEvent_aNodeDownBackOrDrained_isAChangeOfEverythingWatched() throws InterruptedException {
        try (SwarmEvents events = unopened()) {
            events.announced("""
                    {"Type":"node","Action":"update","Actor":{"ID":"n2","Attributes":{"name":"node2",\
                    "state.new":"down","state.old":"ready"}},"scope":"swarm","time":1716800000}\
                    """);

            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).isEqualTo(WATCHED);
            assertThat(events.awaitChange(WATCHED, Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void whileAServiceWaitsForTasksElsewhere_itsTasksAreLookedAt_andAChangeEndsTheWait() throws Exception {
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        SwarmEvents.Lagging webLags = new SwarmEvents.Lagging() {
            @Override
            public boolean isLagging(String serviceId) {
                return WEB.equals(serviceId);
            }

            @Override
            public boolean tasksMoved(String serviceId) {
                return looks.incrementAndGet() >= 3; // the third look finds a task that started
            }
        };
        URI host = URI.create("unix://" + dir.resolve("docker.sock"));
        try (FakeEngine engine = new FakeEngine(dir.resolve("docker.sock"));
             DockerApi api = new DockerApi(new SwarmConfig(host, false, null));
             SwarmEvents events = new SwarmEvents(java.util.List.of(host), api::streamClient, webLags).open()) {
            awaitLive(events, true);
            assertThat(events.awaitChange(WATCHED, Duration.ofSeconds(5))).as("right after connecting")
                    .isEqualTo(WATCHED);

            long asked = System.nanoTime();
            assertThat(events.awaitChange(Set.of(WEB, WEB_UPDATE), Duration.ofSeconds(10)))
                    .containsExactlyInAnyOrder(WEB, WEB_UPDATE);
            assertThat(looks.get()).isEqualTo(3);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("three looks, %s apart", SwarmEvents.TASK_LOOK)
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(events.awaitChange(Set.of(DB, DB_UPDATE), Duration.ofMillis(1200))).as("db does not lag")
                    .isEmpty();
            assertThat(looks.get()).isEqualTo(3);
        }
    }

    @Test
    void liveWhileTheStreamIsOpen_allIdsAfterEachConnect_andAnEventEndsAWaitAtOnce() throws Exception {
        try (FakeEngine engine = new FakeEngine(dir.resolve("docker.sock"));
             SwarmEvents events = engine.events()) {
            assertThat(engine.requests.poll(5, TimeUnit.SECONDS))
                    .startsWith("GET /events?filters=")
                    .doesNotContain("since=") // every connect reports all ids changed: nothing to replay
                    .contains("filters=" + DockerApi.query(java.util.Map.of("type",
                            java.util.List.of("service", "container", "node"))));
            awaitLive(events, true);
            assertThat(events.awaitChange(WATCHED, Duration.ofSeconds(5))).as("right after connecting")
                    .isEqualTo(WATCHED);

            engine.send(containerEvent("die", DB));
            long asked = System.nanoTime();
            assertThat(events.awaitChange(WATCHED, Duration.ofSeconds(10))).containsExactlyInAnyOrder(DB, DB_UPDATE);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));

            engine.drop();
            awaitLive(events, false);
            assertThat(events.awaitChange(WATCHED, Duration.ofSeconds(5))).as("not live: at once, nothing known")
                    .isEmpty();
            assertThat(engine.requests.poll(5, TimeUnit.SECONDS)).as("connects again").startsWith("GET /events");
            awaitLive(events, true);
            assertThat(events.awaitChange(WATCHED, Duration.ofSeconds(5))).as("after the gap").isEqualTo(WATCHED);
        }
        assertNoListenerLeft();
    }

    @Test
    void anEngineThatCannotBeReached_isNotLive_andClosingEndsTheListenerAtOnce() throws Exception {
        URI host = URI.create("unix://" + dir.resolve("missing.sock"));
        try (SwarmPlatform platform = new SwarmPlatform(new SwarmConfig(host, false, null))) {
            Changes changes = platform.changes();
            Thread.sleep(300);
            assertThat(changes.live()).isFalse();
            assertThat(changes.awaitChange(WATCHED, Duration.ofSeconds(5))).isEmpty();
            changes.close();
            changes.close();
        }
        assertNoListenerLeft();
    }

    @Test
    void noStream_announcesNothing() {
        URI host = URI.create("unix://" + dir.resolve("docker.sock"));
        try (SwarmPlatform platform = new SwarmPlatform(new SwarmConfig(host, false, null).withEvents(false))) {
            assertThat(platform.changes()).isSameAs(Changes.NONE);
        }
    }

    private static void awaitLive(Changes changes, boolean live) throws InterruptedException {
        for (int i = 0; i < 100 && changes.live() != live; i++) {
            Thread.sleep(50);
        }
        assertThat(changes.live()).as("live").isEqualTo(live);
    }

    /** A closed stream's thread ends within a moment, not at its next read or retry. */
    static void assertNoListenerLeft() throws InterruptedException {
        for (int i = 0; i < 40 && listenerAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(listenerAlive()).as("a zdd-swarm-events thread is left").isFalse();
    }

    private static boolean listenerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("zdd-swarm-events"));
    }

    /** Answers each {@code /events} request with a chunked 200 and the lines {@link #send} is given. */
    private static final class FakeEngine implements AutoCloseable {

        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        private final Path socket;
        private final ServerSocketChannel server;
        private final Thread acceptor;
        private volatile OutputStream out;

        FakeEngine(Path socket) throws IOException {
            this.socket = socket;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            acceptor = new Thread(this::serve, "fake-engine");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        SwarmEvents events() {
            return eventsAt(URI.create("unix://" + socket)).open();
        }

        private void serve() {
            try {
                while (true) {
                    SocketChannel client = server.accept();
                    InputStream in = Channels.newInputStream(client);
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.append((char) b);
                    }
                    requests.add(head.toString());
                    OutputStream stream = Channels.newOutputStream(client);
                    stream.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    stream.flush();
                    out = stream;
                }
            } catch (IOException e) {
                // closed: the test is over
            }
        }

        void send(String event) throws IOException {
            byte[] line = (event + "\n").getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(line.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(line);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Ends the stream as a restarting engine would: the connection just goes away. */
        void drop() throws IOException {
            out.close();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (out != null) {
                out.close();
            }
        }
    }
}
