package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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

/** Paths are built from ids the platform issues, never concatenated from whatever an answer or a user says. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TutumBuiltPathsTest {

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    private final TutumPlatform platform = TutumFixtures.platform(
            TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl(), null), new FakeTime());

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61/../..", "%2e%2e", ""})
    void aServiceWhoseUuidIsNotAUuid_isRefusedAsAnAnswer_andNothingIsBuiltFromIt(String uuid) {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": "
                + "[{\"uuid\": \"" + uuid + "\", \"resource_uri\": \"/api/v1/service/" + uuid + "/\", \"name\": \"web\","
                + " \"state\": \"Running\", \"running_num_containers\": 1, \"target_num_containers\": 1}]}")));

        PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.DECODE);
        assertThat(e.getMessage()).contains("not a uuid");
    }

    @Test
    void aRedeployOfAnIdThatIsNotAUuid_sendsNothing() {
        Service dots = new Service("..", "web", null, ServiceState.RUNNING, 1, 1);

        PlatformException e = catchThrowableOfType(() -> platform.redeploy(dots, true), PlatformException.class);

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.DECODE);
        api.verify(0, anyRequestedFor(anyUrl()));
        api.verify(0, postRequestedFor(urlEqualTo("/api/v1/redeploy/")));
    }

    @Test
    void aContainerOfAServiceThatIsNotAUuid_isRefused() {
        api.stubFor(get(urlEqualTo("/api/v1/service/")).willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": "
                + "[{\"uuid\": \"3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61\", \"resource_uri\": "
                + "\"/api/v1/service/3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61/\", \"name\": \"web\", \"state\": \"Running\","
                + " \"containers\": [\"/api/v1/container/../\"]}]}")));

        PlatformException e = catchThrowableOfType(platform::services, PlatformException.class);

        assertThat(e.getMessage()).contains("a container of service", "not a uuid");
    }

    @Test
    void anActionIdThatIsNotAUuid_isNotRequested() {
        PlatformException e = catchThrowableOfType(() -> platform.action("/api/v1/action/../service/"),
                PlatformException.class);

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.DECODE);
        api.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "acme/..", "a b", "-x"})
    void aNamespaceThatIsNotADockerId_isAConfigurationError(String namespace) {
        PlatformException e = catchThrowableOfType(() -> TutumFixtures.platform(
                TutumFixtures.config(TutumConfig.Flavor.DOCKERCLOUD, api.baseUrl(), namespace), new FakeTime()),
                PlatformException.class);

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("is not a Docker ID");
    }
}
