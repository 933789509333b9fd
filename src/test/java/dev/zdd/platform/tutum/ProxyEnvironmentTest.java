package dev.zdd.platform.tutum;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which URLs go through which proxy, as curl would decide. */
class ProxyEnvironmentTest {

    @ParameterizedTest
    @CsvSource({
        "https://api.example.com/, 'example.com', DIRECT",
        "https://api.example.com/, '.example.com', DIRECT",
        "https://api.example.com/, '*.example.com', DIRECT",
        "https://example.com/, 'example.com', DIRECT",
        "https://notexample.com/, 'example.com', s.proxy:3128",
        "https://api.example.com/, 'example.com:8443', s.proxy:3128",
        "https://api.example.com:8443/, 'example.com:8443', DIRECT",
        "https://10.0.0.5/, '10.0.0.5', DIRECT",
        "https://[::1]:8443/, '::1', DIRECT",
        "https://anything.test/, '*', DIRECT",
        "https://anything.test/, '', s.proxy:3128",
        "http://api.example.com/, 'other.test', p.proxy:1080"
    })
    void choosesTheProxyBySchemeAndNoProxy(String url, String noProxy, String expected) {
        ProxyEnvironment proxies = ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://s.proxy:3128",
                "http_proxy", "p.proxy", "NO_PROXY", noProxy));

        String chosen = proxies.describe(URI.create(url));

        assertThat(chosen == null ? "DIRECT" : chosen).isEqualTo(expected);
    }

    @Test
    void theLowercaseProxyVariableWins_asInCurl() {
        ProxyEnvironment proxies = ProxyEnvironment.from(Map.of("https_proxy", "http://lower.proxy:1",
                "HTTPS_PROXY", "http://upper.proxy:2"));

        assertThat(proxies.describe(URI.create("https://api.test/"))).isEqualTo("lower.proxy:1");
    }

    @Test
    void theLowercaseNoProxyWins_asInCurl() {
        ProxyEnvironment proxies = ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://s.proxy:3",
                "no_proxy", "direct.test", "NO_PROXY", "other.test"));

        assertThat(proxies.describe(URI.create("https://direct.test/"))).isNull();
        assertThat(proxies.describe(URI.create("https://other.test/"))).isEqualTo("s.proxy:3");
    }
}
