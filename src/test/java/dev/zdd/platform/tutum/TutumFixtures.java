package dev.zdd.platform.tutum;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.zdd.time.FakeTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/** Shared pieces of the adapter's WireMock tests. */
final class TutumFixtures {

    /** base64("alice:s3cr3t-api-key"): a value that must reach the server exactly and never a log line. */
    static final String AUTHORIZATION = "Basic YWxpY2U6czNjcjN0LWFwaS1rZXk=";

    private TutumFixtures() {
    }

    /** WireMock on loopback, on a free port, failing the test on any request no stub matched. */
    static WireMockExtension wireMock() {
        return WireMockExtension.newInstance()
                .options(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"))
                .failOnUnmatchedRequests(true)
                .build();
    }

    static TutumConfig config(TutumConfig.Flavor flavor, String apiUrl, String namespace) {
        // Short timeouts: nothing in these tests may wait for long.
        return new TutumConfig(flavor, URI.create(apiUrl), namespace, AUTHORIZATION, false,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** The seed of every test's jitter, so that the waits a test expects are the ones drawn. */
    static final long SEED = 42;

    static TutumPlatform tutum(WireMockExtension server) {
        return platform(config(TutumConfig.Flavor.TUTUM, server.baseUrl(), null), new FakeTime());
    }

    /** Retry waits go to {@code time}, which records them; jitter is seeded with {@link #SEED}. */
    static TutumPlatform platform(TutumConfig config, FakeTime time) {
        return new TutumPlatform(config, time, time, new Random(SEED));
    }

    /**
     * What every redeploy reads before its POST, for tests about something else: the object itself (its resource
     * URI) and its actions (none), both at a low priority so that a test's own stubs win.
     */
    static void redeployable(WireMockExtension api, String objectUri) {
        String uuid = TutumPaths.uuidOf(objectUri);
        String json = objectUri.contains("/container/")
                ? "{\"uuid\": \"" + uuid + "\", \"resource_uri\": \"" + objectUri + "\", \"name\": \"web-1\"}"
                : "{\"uuid\": \"" + uuid + "\", \"resource_uri\": \"" + objectUri + "\", \"name\": \"web\", "
                  + "\"state\": \"Running\"}";
        api.stubFor(WireMock.get(WireMock.urlEqualTo(objectUri)).atPriority(100).willReturn(WireMock.okJson(json)));
        api.stubFor(WireMock.get(WireMock.urlPathMatching(".*/action/")).atPriority(100)
                .willReturn(WireMock.okJson("{\"meta\": {\"next\": null}, \"objects\": []}")));
    }

    /** A hand-written JSON file under {@code src/test/resources/tutum/}. */
    static String fixture(String name) {
        try (InputStream in = TutumFixtures.class.getResourceAsStream("/tutum/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
