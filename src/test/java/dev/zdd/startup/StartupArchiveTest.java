package dev.zdd.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupArchiveTest {

    @Test
    void trainingRuns_seeNoneOfTheCallersPlatformSettings_andAHomeOfTheirOwn() {
        Map<String, String> caller = Map.of("PATH", "/opt/bin:/usr/bin", "LANG", "C.UTF-8", "HOME", "/root",
                "ZDD_API_URL", "https://real.example", "TUTUM_AUTH", "ApiKey me:key", "ZDD_PLATFORM", "swarm",
                "DOCKER_HOST", "tcp://prod:2376", "DOCKER_CONFIG", "/root/.docker", "ZDD_LB", "unix:///run/lb.sock");

        Map<String, String> env = StartupArchive.isolated(caller, Path.of("/tmp/zdd-archive-1"));

        assertThat(env).containsOnly(Map.entry("PATH", "/opt/bin:/usr/bin"), Map.entry("LANG", "C.UTF-8"),
                Map.entry("HOME", "/tmp/zdd-archive-1"));
    }

    @Test
    void aCallerWithoutPath_stillFindsTheShellAndJava() {
        assertThat(StartupArchive.isolated(Map.of(), Path.of("/tmp/w"))).containsEntry("PATH",
                "/usr/local/bin:/usr/bin:/bin").containsEntry("HOME", "/tmp/w");
    }
}
