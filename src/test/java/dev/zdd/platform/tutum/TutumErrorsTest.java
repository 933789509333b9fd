package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.zdd.platform.tutum.TutumFixtures.AUTHORIZATION;
import static dev.zdd.platform.tutum.TutumFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.PlatformException.Kind;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumErrorsTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String HTML = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
                               + "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n"
                               + "</body></html>";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final TutumPlatform platform = TutumFixtures.tutum(api);

    @Test
    void unauthorized_isStatus401_withTheApisTextAndWhatToCheck() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"Incorrect authentication credentials.\"}")));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.STATUS);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.isAuthentication()).isTrue();
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.path()).isEqualTo("/api/v1/service/");
        assertThat(e.getMessage()).isEqualTo("GET /api/v1/service/ answered 401 Unauthorized: Incorrect "
                + "authentication credentials.; check the user and API key (or the Authorization value given)");
        assertThat(e.getMessage()).doesNotContain(AUTHORIZATION);
    }

    @Test
    void aKeyEchoedInALongErrorText_isMaskedBeforeTheTextIsCut_soNoStartOfItShows() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"" + "x".repeat(195) + " s3cr3t-api-key\"}")));

        PlatformException e = failure(platform::services);

        assertThat(e.getMessage()).doesNotContain("s3cr3").contains("x ***");
    }

    @Test
    void forbidden_saysThereIsNoPermission() {
        api.stubFor(post(urlEqualTo("/api/v1/service/" + WEB + "/redeploy/")).willReturn(aResponse().withStatus(403)
                .withBody("{\"error\": \"You do not have permission to perform this action.\"}")));

        TutumFixtures.redeployable(api, "/api/v1/service/" + WEB + "/");
        PlatformException e = failure(() -> platform.redeploy(web(), true));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.getMessage()).contains("POST /api/v1/service/" + WEB + "/redeploy/ answered 403 Forbidden",
                "no permission");
    }

    @Test
    void notFound_isStatus404() {
        api.stubFor(get(urlEqualTo("/api/v1/service/" + WEB + "/")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(fixture("error-404.json"))));

        PlatformException e = failure(() -> platform.service(WEB));

        assertThat(e.isNotFound()).isTrue();
        assertThat(e.getMessage())
                .isEqualTo("GET /api/v1/service/" + WEB + "/ answered 404 Not Found: Object not found");
    }

    @Test
    void anHtmlErrorPage_givesOneLineNamingStatusMethodAndPath_neverTheBody() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody(HTML)));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.STATUS);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).isEqualTo("GET /api/v1/service/ answered 502 Bad Gateway (not JSON) (tried 6 times)"
                + "; the API is overloaded or unavailable: try again later");
    }

    @Test
    void anErrorTextOverSeveralLines_isShownOnOne() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"bad\\nrequest:\\n  limit must be a number\"}")));

        assertThat(failure(platform::services).getMessage())
                .isEqualTo("GET /api/v1/service/ answered 400 Bad Request: bad request: limit must be a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"meta\": {\"next\": null}, \"objects\": [",
        "{\"meta\": {\"next\": null}, \"objects\": []} trailing",
        "",
        "   \n",
        "null",
        "<!DOCTYPE html><html><body>Maintenance</body></html>",
        "[1, 2, 3]",
        "{\"meta\": {\"next\": null}}"
    })
    void aSuccessfulAnswerThatIsNotTheExpectedJson_isADecodeError(String body) {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(aResponse().withStatus(200).withBody(body)));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.DECODE);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.getMessage()).startsWith("GET /api/v1/service/ answered 200").doesNotContain("\n");
    }

    @Test
    void aMissingRequiredField_isADecodeErrorThatNamesIt() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson("{\"meta\": {\"next\": null}, "
                + "\"objects\": [{\"uuid\": \"" + WEB + "\", \"resource_uri\": \"/api/v1/service/" + WEB + "/\"}]}")));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.DECODE);
        assertThat(e.getMessage()).contains("objects[0]", "\"name\"");
    }

    @Test
    void aBodyOver16MiB_isADecodeError() {
        String huge = "{\"meta\": {\"next\": null}, \"objects\": [], \"padding\": \""
                      + "x".repeat((int) TutumHttp.MAX_BODY_BYTES) + "\"}";
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson(huge)));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.DECODE);
        assertThat(e.getMessage()).contains("larger than 16 MiB");
    }

    @Test
    void aMetaNextToAnotherHost_isNotFollowed() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson(
                "{\"meta\": {\"next\": \"https://elsewhere.example/api/v1/service/?offset=25\"}, \"objects\": []}")));

        PlatformException e = failure(platform::services);

        assertThat(e.kind()).isEqualTo(Kind.DECODE);
        assertThat(e.getMessage()).contains("elsewhere.example");
    }

    @Test
    void aRefusedConnection_isATransportFailureThatSaysWhatToCheck() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TutumPlatform unreachable = TutumFixtures.platform(TutumFixtures.config(TutumConfig.Flavor.TUTUM,
                "http://127.0.0.1:" + closedPort, null), new FakeTime());

        PlatformException e = failure(unreachable::services);

        assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.path()).isEqualTo("/api/v1/service/");
        assertThat(e.getMessage()).startsWith("GET /api/v1/service/ failed: ")
                .contains("check the API URL (http://127.0.0.1:" + closedPort + ") and the network")
                .doesNotContain("\n");
    }

    private static PlatformException failure(ThrowingCallable call) {
        PlatformException e = catchThrowableOfType(PlatformException.class, call);
        assertThat(e).as("a PlatformException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("<html").doesNotContain("<center>");
        return e;
    }

    private static Service web() {
        return new Service(WEB, "web", null, ServiceState.RUNNING, 1, 1);
    }
}
