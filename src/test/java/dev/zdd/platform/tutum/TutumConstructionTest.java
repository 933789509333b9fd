package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.zdd.platform.PlatformException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the constructor accepts; nothing here opens a connection or listens. */
class TutumConstructionTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://example.invalid", "http://example.invalid:8080/tutum/", "http://10.0.0.5",
        "http://localhost.example.invalid", "http://127.example.invalid"})
    void refusesPlainHttpToAHostThatIsNotLoopback(String url) {
        PlatformException e = catchThrowableOfType(PlatformException.class,
                () -> new TutumPlatform(config(url, false)));

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("use https", "--insecure-http").doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://127.1.2.3/", "http://localhost:8080",
        "http://LOCALHOST", "http://[::1]:8080/"})
    void allowsPlainHttpToLoopback(String url) {
        assertThatCode(() -> new TutumPlatform(config(url, false))).doesNotThrowAnyException();
    }

    @Test
    void allowsPlainHttpAnywhere_whenToldItIsInsecure() {
        assertThatCode(() -> new TutumPlatform(config("http://example.invalid", true))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.invalid", "https://dashboard.tutum.co", "https://cloud.docker.com/"})
    void allowsHttpsAnywhere(String url) {
        assertThatCode(() -> new TutumPlatform(config(url, false))).doesNotThrowAnyException();
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        PlatformException e = catchThrowableOfType(PlatformException.class,
                () -> new TutumPlatform(config("unix:///var/run/docker.sock", false)));

        assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("http", "unix://");
    }

    @Test
    void describesItself_withoutCredentialsInTheUrl() {
        TutumPlatform platform = new TutumPlatform(config("https://alice:s3cr3t@dashboard.tutum.co/", false));

        assertThat(platform.describe()).isEqualTo("Tutum at https://dashboard.tutum.co");
    }

    private static TutumConfig config(String url, boolean insecureHttp) {
        return new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create(url), null, "Basic x", insecureHttp);
    }
}
