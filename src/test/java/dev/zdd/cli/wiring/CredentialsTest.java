package dev.zdd.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the platform and the credentials come from, in which order, and that the key never shows. */
class CredentialsTest {

    private static final String KEY = Fixture.KEY;

    @TempDir
    Path home;

    Fixture zdd;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home).withoutCredentials();
        zdd.platform.add("web-1");
    }

    @Test
    void userAndKeyFromTheEnvironment_becomeBasicAuth() {
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", KEY);

        assertThat(zdd.run("services").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo(basic("alice", KEY));
        assertThat(zdd.connection().platform()).isEqualTo(PlatformName.TUTUM);
        assertThat(zdd.connection().apiUrl()).isEqualTo(URI.create("https://dashboard.tutum.co"));
    }

    @Test
    void userOptionAndKeyFile_winOverTheEnvironment() throws IOException {
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", "the-environments-key");
        Path keyFile = Files.writeString(home.resolve("key"), "from-the-file-0123\n");

        assertThat(zdd.run("services", "--user", "bob", "--apikey-file", keyFile.toString()).exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo(basic("bob", "from-the-file-0123"));
        assertThat(zdd.connection().credentialsFrom()).isEqualTo("--apikey-file");
    }

    @Test
    void tutumAuth_winsOverUserAndKey_andIsSentAsItIs() throws IOException {
        zdd.variables.put("TUTUM_AUTH", "ApiKey alice:" + KEY);
        zdd.variables.put("TUTUM_USER", "bob");
        zdd.variables.put("TUTUM_APIKEY", "another-key-0000");
        writeTutumFile("[auth]\nuser = carol\napikey = file-key-0000\n");

        Fixture.Result result = zdd.run("services", "--user", "dave");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.connection().authorization()).isEqualTo("ApiKey alice:" + KEY);
        assertThat(result.err()).contains("TUTUM_AUTH is set and wins over --user and --apikey-file");
    }

    @Test
    void tutumFile_userAndApikey_whenNothingElseGivesCredentials() throws IOException {
        writeTutumFile("# written by hand\n[other]\nuser = nobody\n\n[auth]\nuser = carol\napikey: " + KEY + "\n");

        assertThat(zdd.run("services").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo(basic("carol", KEY));
        assertThat(zdd.connection().credentialsFrom()).isEqualTo("~/.tutum");
    }

    @Test
    void tutumFile_basicAuth_isSentAsBasic() throws IOException {
        String token = Base64.getEncoder().encodeToString(("carol:" + KEY).getBytes(StandardCharsets.UTF_8));
        writeTutumFile("[auth]\nbasic_auth = " + token + "\n");

        assertThat(zdd.run("services").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo("Basic " + token);
    }

    @Test
    void tutumFile_acceptsTheQuotedValuesOfTheGoClient() throws IOException {
        writeTutumFile("[auth]\nuser = \"carol\"\napikey = \"" + KEY + "\"\n");

        assertThat(zdd.run("services").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo(basic("carol", KEY));
    }

    @Test
    void tutumFile_isNotReadWhenTheEnvironmentGivesCredentials() throws IOException {
        writeTutumFile("[auth]\nuser = carol\napikey = file-key-0000\n");
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", KEY);

        assertThat(zdd.run("services").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo(basic("alice", KEY));
    }

    @Test
    void dockerCloud_readsItsOwnVariables_andItsNamespace() {
        zdd.variables.put("ZDD_PLATFORM", "dockercloud");
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", "tutum-key-0000");
        zdd.variables.put("DOCKERCLOUD_USER", "erin");
        zdd.variables.put("DOCKERCLOUD_APIKEY", KEY);
        zdd.variables.put("DOCKERCLOUD_NAMESPACE", "acme");

        assertThat(zdd.run("services").exitCode()).isZero();

        Connection connection = zdd.connection();
        assertThat(connection.platform()).isEqualTo(PlatformName.DOCKERCLOUD);
        assertThat(connection.authorization()).isEqualTo(basic("erin", KEY));
        assertThat(connection.namespace()).isEqualTo("acme");
        assertThat(connection.apiUrl()).isEqualTo(URI.create("https://cloud.docker.com"));
    }

    @Test
    void dockerCloudAuth_winsOverUserAndKey() {
        zdd.variables.put("DOCKERCLOUD_AUTH", "Basic abcdefgh");
        zdd.variables.put("DOCKERCLOUD_USER", "erin");
        zdd.variables.put("DOCKERCLOUD_APIKEY", KEY);

        assertThat(zdd.run("services", "--platform", "dockercloud", "--namespace", "acme").exitCode()).isZero();

        assertThat(zdd.connection().authorization()).isEqualTo("Basic abcdefgh");
        assertThat(zdd.connection().namespace()).isEqualTo("acme");
    }

    @Test
    void exits2_whenNamespaceIsGivenForTutum() {
        zdd.variables.put("TUTUM_AUTH", "Basic abcdefgh");

        assertThat(zdd.run("services", "--namespace", "acme").exitCode()).isEqualTo(2);
    }

    @Test
    void apiUrl_optionThenZddApiUrlThenRestHost() {
        zdd.variables.put("TUTUM_AUTH", "Basic abcdefgh");
        zdd.variables.put("TUTUM_REST_HOST", "http://127.0.0.1:8080/");
        zdd.run("services");
        assertThat(zdd.connection().apiUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));

        zdd.variables.put("ZDD_API_URL", "https://zdd.example");
        zdd.run("services");
        assertThat(zdd.connection().apiUrl()).isEqualTo(URI.create("https://zdd.example"));

        zdd.run("services", "--api-url", "https://option.example", "--insecure-http");
        assertThat(zdd.connection().apiUrl()).isEqualTo(URI.create("https://option.example"));
        assertThat(zdd.connection().insecureHttp()).isTrue();
    }

    @Test
    void exits2_whenTheApiUrlIsNotHttp_namingWhereItCameFrom() {
        zdd.variables.put("TUTUM_AUTH", "Basic abcdefgh");
        zdd.variables.put("TUTUM_REST_HOST", "dashboard.tutum.co");

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("zdd: TUTUM_REST_HOST: 'dashboard.tutum.co' is not an http:// or https:// URL");
    }

    @Test
    void exits2_whenZddPlatformIsUnknown() {
        zdd.variables.put("ZDD_PLATFORM", "kubernetes");

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("zdd: ZDD_PLATFORM: 'kubernetes' is not a platform");
    }

    @Test
    void exits5_whenOnlyTheUserIsGiven() {
        zdd.variables.put("TUTUM_USER", "alice");

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).isEqualTo(
                "zdd: a user but no API key: give --apikey-file FILE or set TUTUM_APIKEY\n");
    }

    @Test
    void exits5_whenTheKeyFileIsMissing() {
        zdd.variables.put("TUTUM_USER", "alice");

        Fixture.Result result = zdd.run("services", "--apikey-file", home.resolve("nope").toString());

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("--apikey-file names no file");
    }

    @Test
    void apikeyOption_isRejectedAsUnknown_withoutEchoingTheKey() {
        Fixture.Result glued = zdd.run("redeploy", "--apikey=" + KEY, "web-1");
        Fixture.Result separate = zdd.run("services", "--apikey", KEY);

        assertThat(glued.exitCode()).isEqualTo(2);
        assertThat(separate.exitCode()).isEqualTo(2);
        assertThat(glued.err()).startsWith("zdd: unknown option '--apikey': the API key is never taken on the "
                                           + "command line; use --apikey-file FILE or the TUTUM_APIKEY variable");
        assertThat(glued.err() + glued.out() + separate.err() + separate.out()).doesNotContain(KEY);
        assertThat(zdd.connections).isEmpty();
    }

    @Test
    void theKeyNeverShows_notInHelp_norLogs_norErrors_evenAtDoubleVerbose() throws IOException {
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", KEY);
        zdd.variables.put("ZDD_API_URL", "https://api.example");
        String token = basic("alice", KEY).substring("Basic ".length());
        // A platform whose error echoes what it was sent: the worst case for a leak.
        zdd.platforms = connection -> Fixture.failing(PlatformException.status("GET", "/api/v1/service/", 401,
                "bad key " + KEY + " in " + connection.authorization() + " (" + token + ")"));

        Fixture.Result help = zdd.run("redeploy", "--help");
        Fixture.Result redeploy = zdd.run("redeploy", "-vv", "--output", "json", "web-1");
        Fixture.Result services = zdd.run("services", "-vv");

        assertThat(help.out()).doesNotContain(KEY).doesNotContain("alice").doesNotContain("api.example");
        assertThat(redeploy.exitCode()).isEqualTo(5);
        assertThat(services.exitCode()).isEqualTo(5);
        for (Fixture.Result result : new Fixture.Result[] {redeploy, services}) {
            assertThat(result.out() + result.err()).doesNotContain(KEY).doesNotContain(token)
                    .contains("bad key ***");
        }
    }

    @Test
    void aLogLineWithTheKey_isMasked() {
        zdd.variables.put("TUTUM_USER", "alice");
        zdd.variables.put("TUTUM_APIKEY", KEY);
        zdd.platforms = connection -> {
            org.slf4j.LoggerFactory.getLogger("dev.zdd.http").debug("GET /api/v1/service/ Authorization: {}",
                    connection.authorization());
            return zdd.platform;
        };

        Fixture.Result result = zdd.run("services", "-vv");

        assertThat(result.err()).contains("zdd: GET /api/v1/service/ Authorization: Basic ***")
                .doesNotContain(KEY);
    }

    private void writeTutumFile(String text) throws IOException {
        Files.writeString(home.resolve(".tutum"), text);
    }

    private static String basic(String user, String key) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
    }
}
