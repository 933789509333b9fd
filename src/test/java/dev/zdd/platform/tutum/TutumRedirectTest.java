package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No foreign origin gets a request, and no foreign answer is believed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumRedirectTest {

    static final String SERVICES = "/api/v1/service/";
    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String EMPTY_PAGE = "{\"meta\": {\"next\": null}, \"objects\": []}";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    /** Another server on the same host: another port is another origin. */
    @RegisterExtension
    static WireMockExtension elsewhere = TutumFixtures.wireMock();

    private final TutumPlatform platform = TutumFixtures.platform(
            TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl(), null), new FakeTime());

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aRedirectToAnotherPort_isNotFollowed_andNamesWhereItPointed(int status) {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(status)
                .withHeader("Location", elsewhere.baseUrl() + SERVICES)));
        elsewhere.stubFor(get(anyUrl()).willReturn(okJson(EMPTY_PAGE)));

        PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(PlatformException.Kind.STATUS);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.getMessage()).contains("GET " + SERVICES + " answered " + status,
                "a redirect to another origin (http://localhost:" + elsewhere.getPort() + SERVICES + ")");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));
        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
    }

    @Test
    void aRedirectToAnotherScheme_onTheSamePort_isAnotherOriginToo() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "https://127.0.0.1:" + api.getPort() + SERVICES)));

        PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

        assertThat(e.getMessage()).contains("another origin (https://127.0.0.1:" + api.getPort());
    }

    @ParameterizedTest
    @ValueSource(ints = {302, 307, 308})
    void aRedeployPostRedirectedElsewhere_isNeitherSentThere_norTakenForSent(int status) {
        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse()
                .withStatus(status).withHeader("Location", elsewhere.baseUrl() + "/api/v1/service/" + WEB
                        + "/redeploy/")));
        elsewhere.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(202)));

        PlatformException e = catchThrowableOfType(() -> platform.redeploy(web(), true), PlatformException.class);

        assertThat(e.status()).isEqualTo(status);
        assertThat(e.getMessage()).contains("another origin");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));
        api.verify(1, postRequestedFor(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")));
    }

    @Test
    void aRedirectWithinTheApisOwnOrigin_isFollowed() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(aResponse().withStatus(301)
                .withHeader("Location", "/api/v1/service/?moved=1")));
        api.stubFor(get(urlEqualTo("/api/v1/service/?moved=1")).willReturn(okJson(EMPTY_PAGE)));

        assertThat(platform.services()).isEmpty();
    }

    @Test
    void aPostRedirectedWith303_isNotTurnedIntoAGet() {
        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse()
                .withStatus(303).withHeader("Location", "/api/v1/service/" + WEB + "/")));

        PlatformException e = catchThrowableOfType(() -> platform.redeploy(web(), true), PlatformException.class);

        assertThat(e.getMessage()).contains("would turn the POST into a GET");
    }

    @Test
    void aMetaNextOnAnotherPort_isRefused_asAnotherOrigin() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson("{\"meta\": {\"next\": \"" + elsewhere.baseUrl()
                + SERVICES + "?offset=25\"}, \"objects\": []}")));

        PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

        assertThat(e.getMessage()).contains("points to another origin (http://localhost:" + elsewhere.getPort() + ")")
                .doesNotContain("another host");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));
    }

    private static Service web() {
        return new Service(WEB, "web", null, ServiceState.RUNNING, 1, 1);
    }
}
