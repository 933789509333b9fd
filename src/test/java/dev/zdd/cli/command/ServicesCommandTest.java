package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.cli.Fixture;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesCommandTest {

    @TempDir
    Path home;

    Fixture zdd;
    Service web;
    Service api;
    Service gone;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        web = zdd.platform.add("web", "shop", ServiceState.RUNNING, 2, 2);
        api = zdd.platform.add("api", null, ServiceState.PARTLY_RUNNING, 1, 3);
        gone = zdd.platform.add("old", "shop", ServiceState.TERMINATED, 0, 1);
    }

    @Test
    void listsTheLiveServicesAsATable_byName_leavingTerminatedOnesOut() {
        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).hasSize(3);
        assertThat(result.outLines().get(0)).matches("NAME\\s+STACK\\s+UUID\\s+STATE\\s+CONTAINERS");
        assertThat(result.outLines().get(1)).matches("api\\s+-\\s+" + api.id() + "\\s+Partly running\\s+1/3");
        assertThat(result.outLines().get(2)).matches("web\\s+shop\\s+" + web.id() + "\\s+Running\\s+2/2");
        assertThat(result.out()).doesNotContain(gone.id());
        assertThat(result.outLines().get(0).indexOf("STACK")).isEqualTo(result.outLines().get(1).indexOf("-"));
    }

    @Test
    void json_isOneServiceEventPerLine() throws Exception {
        Fixture.Result result = zdd.run("services", "--output", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(result.outLines().get(0));
        assertThat(first.toString()).isEqualTo("{\"event\":\"service\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"name\":\"api\",\"stack\":null,\"uuid\":\"" + api.id() + "\",\"state\":\"Partly running\","
                + "\"running\":1,\"target\":3}");
        assertThat(new ObjectMapper().readTree(result.outLines().get(1)).get("stack").asText()).isEqualTo("shop");
    }

    @Test
    void exits5_whenThePlatformCannotBeReached() {
        zdd.platforms = connection -> Fixture.failing(
                PlatformException.transport("GET", "/api/v1/service/", "Connection refused", null));

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("zdd: could not reach the platform (GET /api/v1/service/): "
                                           + "Connection refused; check --api-url and the network\n");
    }

    @Test
    void exits5_withoutCredentials() {
        zdd.withoutCredentials();

        assertThat(zdd.run("services").exitCode()).isEqualTo(5);
    }

    @Test
    void exits2_onAnUnexpectedArgument() {
        Fixture.Result result = zdd.run("services", "web");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("zdd: unexpected argument: 'web'");
    }
}
