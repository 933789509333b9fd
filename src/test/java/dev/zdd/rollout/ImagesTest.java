package dev.zdd.rollout;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Images in the engine: planned in the preflight, set just before each service's own redeploy, reported. */
class ImagesTest {

    private static final String OLD = "sha256:" + "1".repeat(64);
    private static final String NEW = "sha256:" + "2".repeat(64);
    private static final String V3 = "sha256:" + "3".repeat(64);

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private RolloutSettings settings = RolloutSettings.defaults();

    private RolloutReport run(String... arguments) {
        return new Rollout(platform, time, time).run(List.of(arguments), settings, listener, new Cancellation());
    }

    /** Two services on {@code reg/web:latest@OLD}, the registry's tag now at {@code NEW}. */
    private List<Service> twoServicesOnTheOldDigest() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(2)).healthy(two, ofSeconds(2));
        platform.image(one, "reg/web:latest@" + OLD).image(two, "reg/web:latest@" + OLD);
        platform.push("reg/web:latest", NEW);
        return List.of(one, two);
    }

    @Test
    void byDefault_rollsEachServiceToItsTagsCurrentDigest() {
        List<Service> services = twoServicesOnTheOldDigest();

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(services).allSatisfy(s -> assertThat(platform.imageOf(s)).isEqualTo("reg/web:latest@" + NEW));
        assertThat(report.services()).extracting(ServiceReport::imageBefore, ServiceReport::image)
                .containsOnly(tuple("reg/web:latest@" + OLD, "reg/web:latest@" + NEW));
    }

    @Test
    void eachServiceGetsItsImageJustBeforeItsOwnRedeploy_neverEarlier() {
        twoServicesOnTheOldDigest();
        platform.push("reg/web:v3", V3);
        settings = settings.withImages(new ImageRequest("reg/web:v3", true));

        run("web-1", "web-2");

        List<String> writes = platform.calls().stream()
                .filter(c -> c.startsWith("set image") || c.startsWith("redeploy")).toList();
        assertThat(writes).containsExactly(
                "set image web-1 reg/web:v3@" + V3, "redeploy web-1",
                "set image web-2 reg/web:v3@" + V3, "redeploy web-2");
        // web-2 kept its old image while web-1 was redeployed, watched, ready and drained.
        List<String> calls = platform.calls();
        int web1Back = calls.lastIndexOf("action web-1");
        assertThat(calls.indexOf("set image web-2 reg/web:v3@" + V3)).isGreaterThan(web1Back);
        assertThat(listener.events).containsSubsequence("ready web-1 2000ms", "drain web-1 10000ms",
                "redeploy web-2");
    }

    @Test
    void thePlanCarriesEveryTargetsImageBeforeAndAfter() {
        twoServicesOnTheOldDigest();

        run("web-1", "web-2");

        assertThat(listener.planned).extracting(Target::image).containsOnly(
                new ImagePlan("reg/web:latest@" + OLD, "reg/web:latest@" + NEW, true));
    }

    @Test
    void anUnknownTag_refusesTheRunBeforeAnythingIsTouched_namingEveryTarget() {
        twoServicesOnTheOldDigest();
        settings = settings.withImages(new ImageRequest("reg/web:nope", true));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOfSatisfying(ImageRefusedException.class, e -> {
            assertThat(e.refusals()).extracting(r -> r.target().label()).containsExactly("web-1", "web-2");
            assertThat(e.getMessage()).contains("web-1: image reg/web:nope: manifest unknown");
        });
        assertThat(platform.redeployed()).isEmpty();
        assertThat(platform.calls()).noneMatch(c -> c.startsWith("set image"));
        assertThat(listener.events).isEmpty(); // not even a plan
    }

    @Test
    void forceSkipsTheStateCheck_neverTheImage() {
        Service one = platform.add("web-1", null, ServiceState.PARTLY_RUNNING, 0, 1);
        platform.image(one, "reg/web:gone");
        settings = settings.withForce(true);

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(ImageRefusedException.class);
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void withoutResolving_thePinnedImageIsRedeployedAsItIs() {
        List<Service> services = twoServicesOnTheOldDigest();
        settings = settings.withImages(new ImageRequest(null, false));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls()).noneMatch(c -> c.startsWith("set image"));
        assertThat(services).allSatisfy(s -> assertThat(platform.imageOf(s)).isEqualTo("reg/web:latest@" + OLD));
        assertThat(report.services()).extracting(ServiceReport::image).containsOnly("reg/web:latest@" + OLD);
    }

    @Test
    void aDryRun_plansTheImagesWithReadsOnly() {
        twoServicesOnTheOldDigest();
        settings = settings.withDryRun(true);

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls()).containsExactly("services", "actions [web-1, web-2]", "image web-1",
                "image web-2");
        assertThat(listener.planned).extracting(t -> t.image().after()).containsOnly("reg/web:latest@" + NEW);
        // A service not redeployed still has the image it had.
        assertThat(report.services()).extracting(ServiceReport::image).containsOnly("reg/web:latest@" + OLD);
    }

    @Test
    void aServiceNotStarted_stillReportsTheImageItHas() {
        List<Service> services = twoServicesOnTheOldDigest();
        platform.failRedeploy(services.get(0), PlatformException.status("POST", "/x", 409, "busy"));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services()).extracting(ServiceReport::outcome, ServiceReport::image).containsExactly(
                tuple(ServiceOutcome.FAILED, "reg/web:latest@" + NEW),
                tuple(ServiceOutcome.NOT_STARTED, "reg/web:latest@" + OLD));
    }

    @Test
    void perContainer_theServicesImageIsSetOnce_beforeItsFirstContainer() {
        settings = settings.withPerContainer(true);
        Service web = platform.add("web", null, ServiceState.RUNNING, 2, 2);
        platform.healthyContainers(web, ofSeconds(2));
        platform.image(web, "reg/web:latest@" + OLD).push("reg/web:latest", NEW);

        RolloutReport report = run("web");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls().stream().filter(c -> c.startsWith("set image") || c.startsWith("redeploy")))
                .containsExactly("set image web reg/web:latest@" + NEW, "redeploy container web-1",
                        "redeploy container web-2");
    }
}
