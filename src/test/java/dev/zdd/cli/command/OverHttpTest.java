package dev.zdd.cli.command;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.zdd.cli.Fixture;
import dev.zdd.cli.wiring.PlatformFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command with the real Tutum adapter against WireMock: what reaches the wire, and what a refusal shows. */
class OverHttpTest {

    @TempDir
    Path home;

    WireMockServer server;
    Fixture zdd;

    @BeforeEach
    void setUp() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        zdd = new Fixture(home);
        zdd.platforms = PlatformFactory.standard(zdd.time, zdd.time);
        zdd.variables.put("TUTUM_REST_HOST", server.baseUrl());
    }

    @AfterEach
    void tearDown() {
        server.stop();
    }

    @Test
    void exits5_whenTheCredentialsAreRefused_andTheKeyNeverShows_evenInTheHttpTrace() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\": \"Invalid credentials\"}")));

        Fixture.Result result = zdd.run("services", "-vv");

        assertThat(result.exitCode()).isEqualTo(5);
        String basic = Base64.getEncoder().encodeToString(("alice:" + Fixture.KEY).getBytes(StandardCharsets.UTF_8));
        server.verify(anyRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Basic " + basic)));
        assertThat(result.err()).contains("zdd: the platform refused the credentials with HTTP 401")
                .doesNotContain(Fixture.KEY).doesNotContain(basic);
        assertThat(result.out()).isEmpty();
    }
}
