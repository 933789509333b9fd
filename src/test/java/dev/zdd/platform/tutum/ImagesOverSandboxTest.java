package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.zdd.platform.ImageRequest;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceReport;
import dev.zdd.sandbox.Sandbox;
import dev.zdd.sandbox.SandboxStats;
import dev.zdd.time.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --image} against the sandbox, zdd's engine over its Tutum adapter: each service's image is PATCHed just
 * before its own redeploy, after the service before it is back, and every container ends up serving the new image.
 * A redeploy without {@code --image} pulls the tag's newest push, as Tutum's did.
 */
@Timeout(60)
class ImagesOverSandboxTest {

    private Sandbox sandbox;
    private TutumPlatform zdd;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web-1=shop/web:1.0", "web-2=shop/web:1.0"))
                .bootTime(Duration.ofMillis(200)).warmup(Duration.ZERO).build().start();
    }

    /** zdd's adapter in one of the two dialects the sandbox speaks. */
    private void client(TutumConfig.Flavor flavor) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((sandbox.user() + ":" + sandbox.apiKey())
                .getBytes(StandardCharsets.UTF_8));
        zdd = new TutumPlatform(new TutumConfig(flavor, sandbox.apiUrl(), null, basic, false)
                .withStreamUrl(sandbox.streamUrl()), Clock.systemUTC(), Sleeper.SYSTEM, new Random(1));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private RolloutReport run(RolloutSettings settings) {
        return new Rollout(zdd, Clock.systemUTC(), Sleeper.SYSTEM).run(List.of("web-1", "web-2"),
                settings.withDrainDelay(Duration.ofMillis(300)).withPollInterval(Duration.ofMillis(100))
                        .withTimeout(Duration.ofSeconds(20)), new RolloutListener() { }, new Cancellation());
    }

    @ParameterizedTest
    @EnumSource(TutumConfig.Flavor.class)
    void patchesEachServicesImage_justBeforeItsOwnRedeploy_afterTheOneBeforeIsBack(TutumConfig.Flavor flavor) {
        client(flavor);
        String v2 = sandbox.push("shop/web:2.0");

        RolloutReport report = run(RolloutSettings.defaults().withImages(new ImageRequest("shop/web:2.0", true)));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        List<SandboxStats.ApiRequest> writes = sandbox.stats().requests().stream()
                .filter(r -> !r.method().equals("GET")).toList();
        assertThat(writes).extracting(r -> r.method() + " " + r.service() + (r.path().endsWith("/redeploy/")
                ? " redeploy" : "")).containsExactly("PATCH web-1", "POST web-1 redeploy", "PATCH web-2",
                "POST web-2 redeploy");
        SandboxStats.Redeploy web1 = sandbox.stats().redeploys().get(0);
        assertThat(writes.get(2).time()).as("web-2's PATCH, after web-1 was back").isAfter(web1.end());
        assertThat(sandbox.containerImages()).containsOnly(entry("web-1-1", v2), entry("web-2-1", v2));
        assertThat(report.services()).extracting(ServiceReport::imageBefore, ServiceReport::image)
                .containsOnly(tuple("shop/web:1.0", "shop/web:2.0"));
    }

    @Test
    void withoutAnImage_aRedeployPullsTheTagsNewestPush_andPatchesNothing() {
        client(TutumConfig.Flavor.TUTUM);
        String v2 = sandbox.push("shop/web:1.0");

        RolloutReport report = run(RolloutSettings.defaults());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(sandbox.stats().requests()).noneMatch(r -> r.method().equals("PATCH"));
        assertThat(sandbox.containerImages().values()).containsOnly(v2);
    }
}
