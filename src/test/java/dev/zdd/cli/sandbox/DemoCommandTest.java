package dev.zdd.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.cli.wiring.Connection;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.PlatformFactory;
import dev.zdd.cli.wiring.PlatformName;
import dev.zdd.time.Sleeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(20)
class DemoCommandTest {

    @TempDir
    Path home;

    @Test
    void showsTheNaiveRedeployFailingRequestsAndZddNone_overThePlatformFromTheFactory() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<Connection> opened = new ArrayList<>();
        PlatformFactory recording = connection -> {
            opened.add(connection);
            return PlatformFactory.STANDARD.open(connection);
        };
        Environment env = new Environment(Map.of(), home, Clock.systemUTC(), Sleeper.SYSTEM, recording,
                new Fixture.FakeInterrupts());

        // Shorter than the defaults, in the same proportions: boot time well over fall x interval.
        int exitCode = new CommandLine(new DemoCommand(env)).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("--boot-time", "600ms", "--warmup", "300ms", "--check-interval", "100ms",
                        "--probe-interval", "20ms");

        assertThat(exitCode).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        String[] failed = row(out.toString(), "failed requests");
        assertThat(Long.parseLong(failed[0])).as("naive failures").isPositive();
        assertThat(failed[1]).isEqualTo("0");
        assertThat(row(out.toString(), "longest outage")[1]).isEqualTo("0");
        assertThat(Long.parseLong(row(out.toString(), "requests")[1])).isPositive();
        assertThat(out.toString()).contains("zdd redeploy: no failed request.")
                .containsPattern("zdd redeploy shipped v2, sandbox/web:latest@sha256:[0-9a-f]{64}: every container"
                                 + " serves it\\.");
        assertThat(err.toString()).contains("[demo] pushed v2 of sandbox/web:latest to the sandbox's registry");
        assertThat(err.toString()).contains("[zdd] web-1 drained in the load balancer after", "[zdd] web-1 back after",
                "[zdd] web-1 UP in the load balancer");
        assertThat(opened).singleElement().satisfies(connection -> {
            assertThat(connection.platform()).isEqualTo(PlatformName.TUTUM);
            assertThat(connection.apiUrl().getHost()).isEqualTo("127.0.0.1");
            assertThat(connection.streamUrl()).isNotNull();
        });
    }

    /** The two values of a table row: naive, then zdd (units dropped). */
    private static String[] row(String out, String label) {
        String line = out.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
        String[] words = line.substring(label.length()).trim().replace(" ms", "").split("\\s+");
        return new String[] {words[0], words[1]};
    }
}
