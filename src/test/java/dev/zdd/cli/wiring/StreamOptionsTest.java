package dev.zdd.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.cli.Main;
import dev.zdd.sandbox.Sandbox;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where zdd looks for the events stream, and that a stream it can't have never fails a run. */
class StreamOptionsTest {

    @TempDir
    Path home;

    private Connection connection(Map<String, String> variables, String... args) {
        Fixture zdd = new Fixture(home);
        zdd.variables.putAll(variables);
        zdd.variables.putAll(Map.of("DOCKERCLOUD_USER", "alice", "DOCKERCLOUD_APIKEY", Fixture.KEY));
        zdd.platform.add("web-1");
        String[] command = new String[args.length + 1];
        command[0] = "services";
        System.arraycopy(args, 0, command, 1, args.length);
        assertThat(zdd.run(command).exitCode()).isZero();
        return zdd.connection();
    }

    @Test
    void thePlatformsOwnApi_getsThePlatformsOwnStream() {
        assertThat(connection(Map.of()).streamUrl()).isEqualTo(URI.create("wss://stream.tutum.co"));
        assertThat(connection(Map.of(), "--platform", "dockercloud").streamUrl())
                .isEqualTo(URI.create("wss://ws.cloud.docker.com"));
    }

    @Test
    void anApiOnLoopback_getsTheStreamOnePortUp_asZddSandboxServesIt() {
        assertThat(connection(Map.of("TUTUM_REST_HOST", "http://127.0.0.1:8080")).streamUrl())
                .isEqualTo(URI.create("ws://127.0.0.1:8081"));
    }

    @Test
    void anyOtherApi_getsNoStreamUnlessOneIsNamed() {
        assertThat(connection(Map.of("TUTUM_REST_HOST", "https://tutum.internal")).streamUrl()).isNull();
        assertThat(connection(Map.of("TUTUM_REST_HOST", "https://tutum.internal",
                "TUTUM_STREAM_HOST", "wss://stream.internal/")).streamUrl())
                .isEqualTo(URI.create("wss://stream.internal"));
        assertThat(connection(Map.of("DOCKERCLOUD_STREAM_HOST", "wss://ws.internal"), "--platform", "dockercloud")
                .streamUrl()).isEqualTo(URI.create("wss://ws.internal"));
    }

    @Test
    void noStream_pollsOnly() {
        Connection connection = connection(Map.of(), "--no-stream");
        assertThat(connection.streamUrl()).isNull();
        assertThat(connection.events()).isFalse();
    }

    @Test
    void swarm_listensToTheEnginesEvents_unlessNoStream() {
        Connection listening = connection(Map.of(), "--platform", "swarm");
        assertThat(listening.swarm().events()).isTrue();
        assertThat(listening.events()).isTrue();

        Connection polling = connection(Map.of(), "--platform", "swarm", "--no-stream");
        assertThat(polling.swarm().events()).as("what SwarmPlatform is given").isFalse();
        assertThat(polling.events()).isFalse();
    }

    @Test
    void aStreamHostThatIsNotWs_isAUsageError() {
        Fixture zdd = new Fixture(home);
        zdd.variables.put("TUTUM_STREAM_HOST", "https://stream.internal");

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("TUTUM_STREAM_HOST: 'https://stream.internal' is not a ws:// or wss:// URL");
    }

    @Test
    @Timeout(30)
    void aStreamThatIsNotThere_fallsBackToPolling_theRunSucceeds_andSaysSoAtV() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        try (Sandbox sandbox = Sandbox.builder().services(List.of("web-1")).bootTime(Duration.ofMillis(100))
                .warmup(Duration.ZERO).build().start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Environment env = new Environment(Map.of("TUTUM_REST_HOST", sandbox.apiUrl().toString(),
                    "TUTUM_USER", sandbox.user(), "TUTUM_APIKEY", sandbox.apiKey(),
                    "TUTUM_STREAM_HOST", "ws://127.0.0.1:" + closedPort), home, Clock.systemUTC(), Sleeper.SYSTEM,
                    PlatformFactory.STANDARD, new Fixture.FakeInterrupts(), false);

            int exitCode = Main.execute(new String[] {"redeploy", "web-1", "--poll-interval", "100ms", "-v"},
                    new PrintWriter(out), new PrintWriter(err), env);

            assertThat(exitCode).as("stderr:%n%s", err).isZero();
            assertThat(err.toString()).contains("zdd: the events stream at ws://127.0.0.1:" + closedPort
                                                + "/v1/events is unreachable (", "polling meanwhile");
        }
    }
}
