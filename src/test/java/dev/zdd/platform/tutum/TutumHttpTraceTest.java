package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.zdd.platform.tutum.TutumFixtures.AUTHORIZATION;
import static dev.zdd.platform.tutum.TutumFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The -vv trace on logger dev.zdd.http. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumHttpTraceTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.zdd.http");
    private final ListAppender<ILoggingEvent> trace = new ListAppender<>();
    private Level levelBefore;
    private boolean additiveBefore;

    @BeforeEach
    void captureTheTrace() {
        levelBefore = logger.getLevel();
        additiveBefore = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        // zdd's loggers answer below their threshold without asking Logback (-vv sets it to DEBUG).
        Loggers.threshold(org.slf4j.event.Level.DEBUG);
        // Into the list only, not onto the build's stderr as well.
        logger.setAdditive(false);
        trace.start();
        logger.addAppender(trace);
    }

    @AfterEach
    void restoreTheLogger() {
        logger.detachAppender(trace);
        logger.setLevel(levelBefore);
        logger.setAdditive(additiveBefore);
        Loggers.threshold(org.slf4j.event.Level.WARN);
    }

    @Test
    void tracesEachRequestAndAnswer_withTheAuthorizationMasked() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("service-unknown-state.json"))));
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/?reuse_volumes=false"))
                .willReturn(aResponse().withStatus(202)));
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\": \"Incorrect authentication credentials.\"}")));
        TutumPlatform platform = TutumFixtures.tutum(api);

        platform.service(WEB);
        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        platform.redeploy(new Service(WEB, "web", null, ServiceState.RUNNING, 1, 1), false);
        assertThatThrownBy(platform::services).isInstanceOf(PlatformException.class);

        List<String> lines = trace.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).contains(
                "--> GET /api/v1/service/" + WEB + "/",
                "    Authorization: ***",
                "    Accept: application/json",
                "--> POST /api/v1/service/" + WEB + "/redeploy/?reuse_volumes=false",
                "--> GET /api/v1/service/");
        assertThat(lines).anyMatch(line -> line.matches("<-- 200 GET /api/v1/service/" + WEB + "/ \\(\\d+ ms\\)"));
        assertThat(lines).anyMatch(line -> line.matches(
                "<-- 202 POST /api/v1/service/" + WEB + "/redeploy/\\?reuse_volumes=false \\(\\d+ ms\\)"));
        assertThat(lines).anyMatch(line -> line.matches("<-- 401 GET /api/v1/service/ \\(\\d+ ms\\)"));
        assertThat(lines).anyMatch(line -> line.startsWith("    User-Agent: zdd/"));
        assertThat(trace.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(AUTHORIZATION).doesNotContain("YWxpY2U6");
            assertThat(event.getArgumentArray()).allSatisfy(argument ->
                    assertThat(String.valueOf(argument)).doesNotContain(AUTHORIZATION));
        });
    }

    @Test
    void tracesNothing_aboveDebug() {
        logger.setLevel(Level.INFO);
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/"))
                .willReturn(okJson(fixture("service-unknown-state.json"))));

        TutumFixtures.tutum(api).service(WEB);

        assertThat(trace.list).isEmpty();
    }
}
