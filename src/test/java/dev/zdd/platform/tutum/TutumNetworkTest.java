package dev.zdd.platform.tutum;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.PlatformException.Kind;
import dev.zdd.time.FakeTime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proxies from the environment, and a private CA given with --ca-cert. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TutumNetworkTest {

    static final String SERVICES = "/api/v1/service/";
    static final String EMPTY_PAGE = "{\"meta\": {\"next\": null}, \"objects\": []}";

    @RegisterExtension
    static WireMockExtension api = TutumFixtures.wireMock();

    /** Stands in for the proxy: it answers requests for any host, as a forward proxy would relay them. */
    @RegisterExtension
    static WireMockExtension proxy = TutumFixtures.wireMock();

    @TempDir
    static Path keys;

    static Path keystore;
    static Path caPem;

    @BeforeAll
    static void makeASelfSignedCertificate() throws Exception {
        keystore = keys.resolve("api.p12");
        caPem = keys.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP_PROXY", "http_proxy"})
    void requestsGoThroughTheProxyTheEnvironmentNames(String variable) {
        proxy.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson(EMPTY_PAGE)));

        assertThat(platform("http://api.zdd.test:8080", Map.of(variable, proxy.baseUrl())).services()).isEmpty();

        proxy.verify(1, getRequestedFor(urlEqualTo(SERVICES)).withHeader("Host", equalTo("api.zdd.test:8080"))
                .withHeader("Authorization", equalTo(TutumFixtures.AUTHORIZATION)));
    }

    @Test
    void noProxy_sendsItsHostsDirect() {
        api.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson(EMPTY_PAGE)));

        assertThat(platform(api.baseUrl(), Map.of("HTTP_PROXY", proxy.baseUrl(), "NO_PROXY", "example.com, .localhost:" + URI.create(api.baseUrl()).getPort()))
                .services()).isEmpty();

        api.verify(1, getRequestedFor(urlEqualTo(SERVICES)));
        assertThat(proxy.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aProxysCredentials_answerItsChallenge() {
        String password = "pr0xy-pa55";
        String basic = "Basic " + Base64.getEncoder().encodeToString(("bob:" + password).getBytes());
        proxy.stubFor(get(urlEqualTo(SERVICES)).atPriority(2).willReturn(aResponse().withStatus(407)
                .withHeader("Proxy-Authenticate", "Basic realm=\"proxy\"")));
        proxy.stubFor(get(urlEqualTo(SERVICES)).atPriority(1).withHeader("Proxy-Authorization", equalTo(basic))
                .willReturn(okJson(EMPTY_PAGE)));
        String proxyUrl = "http://bob:" + password + "@" + proxy.baseUrl().substring("http://".length());

        assertThat(platform("http://api.zdd.test", Map.of("HTTP_PROXY", proxyUrl)).services()).isEmpty();

        proxy.verify(getRequestedFor(urlEqualTo(SERVICES)).withHeader("Proxy-Authorization", absent()));
        proxy.verify(1, getRequestedFor(urlEqualTo(SERVICES)).withHeader("Proxy-Authorization", equalTo(basic)));
    }

    @Test
    void aProxyVariableThatIsNotAUrl_isAConfigurationError_thatNeverShowsTheValue() {
        PlatformException e = catchThrowableOfType(PlatformException.class,
                () -> platform(api.baseUrl(), Map.of("HTTPS_PROXY", "http://bob:se cret@[bad")));

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("HTTPS_PROXY").doesNotContain("se cret");
    }

    @Test
    void withoutThePrivateCa_theCertificateIsRefused_asATlsTransportFailure_notRetried() {
        WireMockServer https = httpsServer();
        try {
            https.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson(EMPTY_PAGE)));
            FakeTime time = new FakeTime();

            PlatformException e = catchThrowableOfType(PlatformException.class, () -> TutumFixtures.platform(
                    TutumFixtures.config(TutumConfig.Flavor.TUTUM, "https://localhost:" + https.httpsPort(), null),
                    time).services());

            assertThat(e.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(e.getMessage()).contains("TLS failed", "--ca-cert FILE").doesNotContain("\n");
            assertThat(time.naps()).isEmpty();
        } finally {
            https.stop();
        }
    }

    @Test
    void withThePrivateCa_theCallSucceeds_certificateStillVerified() {
        WireMockServer https = httpsServer();
        try {
            https.stubFor(get(urlEqualTo(SERVICES)).willReturn(okJson(EMPTY_PAGE)));
            TutumConfig config = TutumFixtures.config(TutumConfig.Flavor.TUTUM,
                    "https://localhost:" + https.httpsPort(), null).withCaCert(caPem);

            assertThat(TutumFixtures.platform(config, new FakeTime()).services()).isEmpty();

            // The certificate names localhost only: the same server by its address is refused.
            PlatformException wrongName = catchThrowableOfType(PlatformException.class, () -> TutumFixtures.platform(
                    TutumFixtures.config(TutumConfig.Flavor.TUTUM, "https://127.0.0.1:" + https.httpsPort(), null)
                            .withCaCert(caPem), new FakeTime()).services());
            assertThat(wrongName.kind()).isEqualTo(Kind.TRANSPORT);
            assertThat(wrongName.getMessage()).contains("TLS failed");
        } finally {
            https.stop();
        }
    }

    @Test
    void aCaCertFileThatIsNotPem_isAConfigurationError() throws IOException {
        Path notPem = Files.writeString(keys.resolve("not.pem"), "hello");

        PlatformException e = catchThrowableOfType(PlatformException.class, () -> new TutumPlatform(
                TutumFixtures.config(TutumConfig.Flavor.TUTUM, api.baseUrl(), null).withCaCert(notPem)));

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.getMessage()).startsWith("--ca-cert " + notPem).doesNotContain("\n");
    }

    private static TutumPlatform platform(String apiUrl, Map<String, String> environment) {
        TutumConfig config = new TutumConfig(TutumConfig.Flavor.TUTUM, URI.create(apiUrl), null,
                TutumFixtures.AUTHORIZATION, true).withEnvironment(environment);
        return TutumFixtures.platform(config, new FakeTime());
    }

    private static WireMockServer httpsServer() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true)
                .dynamicHttpsPort().keystorePath(keystore.toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        server.start();
        return server;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(keys.resolve("keytool.log").toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + Files.readString(keys.resolve("keytool.log")));
        }
    }
}
