package dev.zdd.cli.wiring;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.zdd.cli.Fixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exit path of the command, at {@code -vv}, with the real Tutum adapter against WireMock: neither the API
 * key, nor the Authorization value made from it, nor a proxy's password ever reaches stdout or stderr.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsNeverShowTest {

    static final String WEB = "3f1c7a52-8a4e-4d0b-9a57-1c2d3e4f5a61";
    static final String WEB_URI = "/api/v1/service/" + WEB + "/";
    static final String ACTION = "/api/v1/action/0d8e3b7e-5c1e-4f6b-8f7a-222222222222/";
    static final String PROXY_PASSWORD = "pr0xy-pa55w0rd";

    @TempDir
    Path home;

    WireMockServer server;
    Fixture zdd;

    @BeforeEach
    void setUp() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        zdd = new Fixture(home);
        zdd.platforms = PlatformFactory.standard(zdd.time, zdd.time);
        zdd.variables.put("TUTUM_REST_HOST", "http://localhost:" + server.port());
        // A proxy that is never used (NO_PROXY), but whose password must not show either.
        zdd.variables.put("HTTPS_PROXY", "http://bob:" + PROXY_PASSWORD + "@proxy.invalid:3128");
        zdd.variables.put("HTTP_PROXY", "http://bob:" + PROXY_PASSWORD + "@proxy.invalid:3128");
        zdd.variables.put("NO_PROXY", "localhost");
    }

    @AfterEach
    void tearDown() {
        server.stop();
    }

    @Test
    void exit0_servicesListed() {
        webIs("Running");

        assertSecretsNeverShow(zdd.run("services", "-vv"), 0);
    }

    @Test
    void exit0_redeployed() {
        redeployable("Success");

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "web"), 0);
    }

    @Test
    void exit0_whenTheRedeployAnswerIsLostButItStarted_withExactlyOneRedeployPost() {
        redeployable("Success");
        server.stubFor(post(urlEqualTo(WEB_URI + "redeploy/")).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));
        // Nothing before the POST; its action after.
        server.stubFor(get(urlPathEqualTo("/api/v1/action/")).withQueryParam("object", matching(".+"))
                .inScenario("actions").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": []}")).willSetStateTo("listed"));
        server.stubFor(get(urlPathEqualTo("/api/v1/action/")).withQueryParam("object", matching(".+"))
                .inScenario("actions").whenScenarioStateIs("listed")
                .willReturn(okJson("{\"meta\": {\"next\": null}, "
                + "\"objects\": [{\"resource_uri\": \"" + ACTION + "\", \"method\": \"POST\", \"path\": \"" + WEB_URI
                + "redeploy/\", \"state\": \"In progress\", \"start_date\": \"Thu, 01 Jan 2026 00:00:00 +0000\"}]}")));

        Fixture.Result result = zdd.run("redeploy", "-vv", "web");

        assertSecretsNeverShow(result, 0);
        server.verify(1, postRequestedFor(urlEqualTo(WEB_URI + "redeploy/")));
        assertThat(result.err()).contains("did start: following its action " + ACTION);
    }

    @Test
    void exit1_theRedeployFailed() {
        redeployable("Failed");

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "web"), 1);
    }

    @Test
    void exit2_aBadCaCert() {
        assertSecretsNeverShow(zdd.run("services", "-vv", "--ca-cert", home.resolve("missing.pem").toString()), 2);
    }

    @Test
    void exit2_noService() {
        assertSecretsNeverShow(zdd.run("redeploy", "-vv"), 2);
    }

    @Test
    void exit3_noSuchService() {
        webIs("Running");

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "nosuch"), 3);
    }

    @Test
    void exit4_preflightRefused() {
        webIs("Stopped");

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "web"), 4);
    }

    @Test
    void exit5_credentialsRefused() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)));

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "web"), 5);
    }

    @Test
    void exit5_theApiKeepsFailing_afterItsRetries() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)));

        Fixture.Result result = zdd.run("services", "-vv");

        assertSecretsNeverShow(result, 5);
        server.verify(6, getRequestedFor(urlEqualTo("/api/v1/service/")));
        assertThat(result.err()).contains("(attempt 6 of 6)", "tried 6 times");
    }

    @Test
    void exit130_interrupted() {
        redeployable("In progress");
        zdd.time.onSleep(nap -> zdd.interrupts.raise());

        assertSecretsNeverShow(zdd.run("redeploy", "-vv", "web"), 130);
    }

    private void assertSecretsNeverShow(Fixture.Result result, int exitCode) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        String basic = Base64.getEncoder().encodeToString(("alice:" + Fixture.KEY).getBytes(StandardCharsets.UTF_8));
        String everything = result.out() + result.err();
        assertThat(everything).doesNotContain(Fixture.KEY).doesNotContain(basic).doesNotContain(PROXY_PASSWORD);
    }

    private void webIs(String state) {
        String web = "{\"uuid\": \"" + WEB + "\", \"resource_uri\": \"" + WEB_URI + "\", \"name\": \"web\", "
                     + "\"state\": \"" + state + "\", \"running_num_containers\": 1, \"target_num_containers\": 1}";
        server.stubFor(get(urlEqualTo("/api/v1/service/"))
                .willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": [" + web + "]}")));
        server.stubFor(get(urlEqualTo(WEB_URI)).willReturn(okJson(web)));
        // Preflight asks whether anything is under way on the service: nothing is.
        server.stubFor(get(urlPathEqualTo("/api/v1/action/")).withQueryParam("state", matching(".+"))
                .willReturn(okJson("{\"meta\": {\"next\": null}, \"objects\": []}")));
    }

    private void redeployable(String actionState) {
        webIs("Running");
        server.stubFor(post(urlEqualTo(WEB_URI + "redeploy/")).willReturn(aResponse().withStatus(202)
                .withHeader("X-Tutum-Action-URI", ACTION)));
        server.stubFor(get(urlEqualTo(ACTION)).willReturn(okJson("{\"state\": \"" + actionState + "\", "
                + "\"object\": \"" + WEB_URI + "\", \"action\": \"Service Redeploy\"}")));
    }

}
