package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.zdd.platform.tutum.TutumFixtures.AUTHORIZATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.PlatformException.Kind;
import dev.zdd.time.FakeTime;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** What a GET does about each transient fault, and what it never retries. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumRetryTest {

    static final String SERVICES = "/api/v1/service/";
    static final String EMPTY_PAGE = "{\"meta\": {\"next\": null}, \"objects\": []}";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final FakeTime time = new FakeTime();
    private final TutumPlatform platform = TutumFixtures.platform(
            TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl(), null), time);

    @AfterEach
    void clearTheInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void a503_isRetriedWithFullJitterUnderDoublingCeilings_untilTheAnswerComes() {
        failThenSucceed(2, aResponse().withStatus(503));

        assertThat(platform.services()).isEmpty();

        api.verify(3, getRequestedFor(urlEqualTo(SERVICES)));
        Random jitter = new Random(TutumFixtures.SEED);
        assertThat(time.naps()).containsExactly(Duration.ofMillis(jitter.nextLong(1001)),
                Duration.ofMillis(jitter.nextLong(2001)));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void eachTransientStatus_isRetried(int status) {
        failThenSucceed(1, aResponse().withStatus(status));

        assertThat(platform.services()).isEmpty();

        api.verify(2, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE",
        "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE"})
    void aBrokenConnection_isRetried(Fault fault) {
        failThenSucceed(1, aResponse().withFault(fault));

        assertThat(platform.services()).isEmpty();

        api.verify(2, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE",
        "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE"})
    void aConnectionThatKeepsBreaking_spendsTheBudget_andFailsAsTransport(Fault fault) {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withFault(fault)));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(e.getMessage()).startsWith("GET /api/v1/service/ failed: ").contains("(tried 6 times)",
                "check the API URL");
        api.verify(6, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).hasSize(5);
    }

    @Test
    void anAnswerSlowerThanTheReadTimeout_isRetried() {
        TutumPlatform impatient = TutumFixtures.platform(new TutumConfig(TutumConfig.Flavor.TUTUM,
                URI.create(api.baseUrl()), null, AUTHORIZATION, false, Duration.ofMillis(500), Duration.ofMillis(200),
                Duration.ofSeconds(2)), time);
        failThenSucceed(1, okJson(EMPTY_PAGE).withFixedDelay(800));

        assertThat(impatient.services()).isEmpty();

        api.verify(2, getRequestedFor(urlEqualTo(SERVICES)));
    }

    @Test
    void aStalledServer_isCutOffByTheWholeCallTimeout_evenWhileItTrickles() {
        TutumPlatform impatient = TutumFixtures.platform(new TutumConfig(TutumConfig.Flavor.TUTUM,
                URI.create(api.baseUrl()), null, AUTHORIZATION, false, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofMillis(300)).withRetry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO)), time);
        // Each chunk arrives within the read timeout; only the whole-call timeout stops the trickle.
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson(EMPTY_PAGE).withChunkedDribbleDelay(8, 2000)));

        PlatformException e = failure(impatient::services);

        assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(e.getMessage()).contains("timed out");
    }

    @Test
    void retryAfterInSeconds_isTheWait() {
        failThenSucceed(1, aResponse().withStatus(429).withHeader("Retry-After", "7"));

        assertThat(platform.services()).isEmpty();

        assertThat(time.naps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsAnHttpDate_isTheWaitUntilThen_byTheInjectedClock() {
        String inTwelveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(time.instant().plusSeconds(12).atOffset(ZoneOffset.UTC));
        failThenSucceed(1, aResponse().withStatus(503).withHeader("Retry-After", inTwelveSeconds));

        assertThat(platform.services()).isEmpty();

        assertThat(time.naps()).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void aRetryAfterLongerThanZddWaits_isNotWaitedFor() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")));

        PlatformException e = failure(platform::services);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.getMessage()).contains("asked to wait 3600 s before trying again, longer than zdd waits (60 s)");
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void whenTheBudgetIsSpent_theLastErrorIsReported() {
        api.stubFor(get(urlEqualTo(SERVICES)).inScenario("budget").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("500s"));
        api.stubFor(get(urlEqualTo(SERVICES)).inScenario("budget").whenScenarioStateIs("500s")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\": \"database is away\"}")));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.STATUS);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("GET /api/v1/service/ answered 500 Internal Server Error: database is "
                + "away (tried 6 times); the API is overloaded or unavailable: try again later");
        api.verify(6, getRequestedFor(urlEqualTo(SERVICES)));
        Random jitter = new Random(TutumFixtures.SEED);
        assertThat(time.naps()).containsExactly(Duration.ofMillis(jitter.nextLong(1001)),
                Duration.ofMillis(jitter.nextLong(2001)), Duration.ofMillis(jitter.nextLong(4001)),
                Duration.ofMillis(jitter.nextLong(8001)), Duration.ofMillis(jitter.nextLong(10001)));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 409})
    void aStatusThatWillNotChange_isNotRetried(int status) {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(status)));

        PlatformException e = failure(platform::services);

        assertThat(e.status()).isEqualTo(status);
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void anHtmlPageWith200_isADecodeError_notRetried() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Welcome</body></html>")));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.DECODE);
        assertThat(e.getMessage()).contains("not JSON", "text/html");
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
    }

    @Test
    void noRetryWaitEndsPastTheDeadline() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));
        platform.callsUntil(time.instant().plusSeconds(3));

        PlatformException e = failure(platform::services);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.getMessage()).contains("(tried 1 time; waiting 5 s to try again would pass the deadline)");
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void anInterruptDuringARetryWait_stopsAtOnce_andKeepsTheInterruptFlag() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(503)));
        time.onSleep(nap -> Thread.currentThread().interrupt());

        PlatformException e = failure(platform::services);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(e.getMessage()).contains("interrupted");
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
    }

    @Test
    void anInterruptedThread_sendsNothingMoreAndKeepsTheFlag() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(503)));
        Thread.currentThread().interrupt();

        PlatformException e = failure(platform::services);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(e.getMessage()).contains("interrupted");
        assertThat(api.findAll(getRequestedFor(urlEqualTo(SERVICES)))).hasSizeLessThanOrEqualTo(1);
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void eachRetry_isLoggedAtInfo_andTheTraceStillMasksTheAuthorization() {
        Logger retries = (Logger) LoggerFactory.getLogger(TutumHttp.class);
        Logger trace = (Logger) LoggerFactory.getLogger("dev.zdd.http");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Level retriesBefore = retries.getLevel();
        Level traceBefore = trace.getLevel();
        try {
            Loggers.threshold(org.slf4j.event.Level.DEBUG);
            for (Logger logger : List.of(retries, trace)) {
                logger.setLevel(logger == trace ? Level.DEBUG : Level.INFO);
                logger.setAdditive(false);
                logger.addAppender(lines);
            }
            failThenSucceed(1, aResponse().withStatus(503).withHeader("Retry-After", "2"));

            platform.services();
        } finally {
            for (Logger logger : List.of(retries, trace)) {
                logger.detachAppender(lines);
                logger.setAdditive(true);
            }
            retries.setLevel(retriesBefore);
            trace.setLevel(traceBefore);
            Loggers.threshold(org.slf4j.event.Level.WARN);
        }

        List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).contains("GET /api/v1/service/ answered 503 Service Unavailable; trying again in 2 s "
                + "(attempt 2 of 6)");
        assertThat(messages.stream().filter(line -> line.equals("--> GET /api/v1/service/"))).hasSize(2);
        assertThat(messages.stream().filter(line -> line.equals("    Authorization: ***"))).hasSize(2);
        assertThat(String.join("\n", messages)).doesNotContain(AUTHORIZATION).doesNotContain("YWxpY2U6");
    }

    /** The first {@code failures} GETs of the service list get {@code failure}, the next the empty list. */
    private static void failThenSucceed(int failures, ResponseDefinitionBuilder failure) {
        for (int i = 0; i < failures; i++) {
            api.stubFor(get(urlEqualTo(SERVICES)).inScenario("flaky").whenScenarioStateIs(i == 0 ? STARTED : "f" + i)
                    .willReturn(failure).willSetStateTo("f" + (i + 1)));
        }
        api.stubFor(get(urlEqualTo(SERVICES)).inScenario("flaky").whenScenarioStateIs("f" + failures)
                .willReturn(okJson(EMPTY_PAGE)));
    }

    private static PlatformException failure(ThrowingCallable call) {
        PlatformException e = catchThrowableOfType(PlatformException.class, call);
        assertThat(e).as("a PlatformException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(AUTHORIZATION);
        return e;
    }
}
