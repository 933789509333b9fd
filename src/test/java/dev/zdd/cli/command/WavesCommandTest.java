package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.Service;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zdd redeploy web-1,api-1 web-2,api-2}: each argument a wave, in-process. */
class WavesCommandTest {

    @TempDir
    Path home;

    Fixture zdd;
    Service web1;
    Service api1;
    Service web2;
    Service api2;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        api1 = zdd.platform.add("api-1");
        web2 = zdd.platform.add("web-2");
        api2 = zdd.platform.add("api-2");
    }

    @Test
    void eachArgumentIsAWave_redeployedAtOnce_theWavesOneAfterAnother() {
        zdd.platform.healthy(web1, Duration.ofSeconds(2)).healthy(api1, Duration.ofSeconds(3))
                .healthy(web2, Duration.ofSeconds(2)).healthy(api2, Duration.ofSeconds(2));

        Fixture.Result result = zdd.run("redeploy", "web-1,api-1", "web-2,api-2");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.platform.redeployed()).containsExactly("web-1", "api-1", "web-2", "api-2");
        assertThat(result.errLines().get(0)).startsWith("Plan: 4 services in 2 waves");
        assertThat(result.errLines()).contains("2026-01-01T00:00:00Z [web-1] Redeploying",
                "2026-01-01T00:00:00Z [api-1] Redeploying", "2026-01-01T00:00:13Z [web-2] Redeploying",
                "2026-01-01T00:00:13Z [api-2] Redeploying");
        assertThat(result.outLines()).last().asString().startsWith("success: 4 of 4 services redeployed");
    }

    @Test
    void aDryRunShowsTheWaves() {
        Fixture.Result result = zdd.run("redeploy", "--dry-run", "web-1,api-1", "web-2");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines().get(0)).startsWith("Dry run, nothing will be redeployed. Plan: 3 services in 2"
                                                        + " waves").contains("worst case 20m10s");
        assertThat(result.outLines().subList(1, 6)).containsExactly(
                "  wave 1:",
                "    1. web-1  " + web1.id() + "  Running 1/1",
                "    2. api-1  " + api1.id() + "  Running 1/1",
                "  wave 2:",
                "    3. web-2  " + web2.id() + "  Running 1/1");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void jsonPlanCarriesTheWaves_andEveryEventKeepsItsService() throws Exception {
        zdd.platform.healthy(web1, Duration.ofSeconds(1)).healthy(api1, Duration.ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--output", "json", "web-1,api-1");

        assertThat(result.exitCode()).isZero();
        ObjectMapper json = new ObjectMapper();
        JsonNode plan = json.readTree(result.outLines().get(0));
        assertThat(plan.path("event").asText()).isEqualTo("plan");
        assertThat(plan.path("waves").toString()).isEqualTo("[[\"web-1\",\"api-1\"]]");
        for (String line : result.outLines()) {
            JsonNode event = json.readTree(line);
            if (!event.path("event").asText().matches("plan|summary")) {
                assertThat(event.path("service").asText()).as(line).isIn("web-1", "api-1");
            }
        }
    }

    @Test
    void anEmptyNameInAWave_isAUsageError() {
        for (String bad : new String[] {"web-1,", ",web-1", "web-1,,api-1", ","}) {
            Fixture.Result result = zdd.run("redeploy", bad);

            assertThat(result.exitCode()).as(bad).isEqualTo(2);
            assertThat(result.errLines().get(0)).as(bad).startsWith("zdd: invalid SERVICE '" + bad + "'");
        }
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void theSameServiceTwice_inTwoWaves_isAUsageError_nothingTouched() {
        Fixture.Result result = zdd.run("redeploy", "web-1,api-1", "web-2,web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'web-1' is given twice");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void aTypoInTheSecondWave_leavesTheFirstUntouched() {
        Fixture.Result result = zdd.run("redeploy", "web-1,api-1", "web-2,api-3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(zdd.platform.redeployed()).isEmpty();
    }
}
