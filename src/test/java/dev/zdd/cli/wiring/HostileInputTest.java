package dev.zdd.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials as a careless user (or a hostile file system) gives them: one clear line, never a hang or a leak. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputTest {

    private static final String KEY = Fixture.KEY;

    @TempDir
    Path home;

    Fixture zdd;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home).withoutCredentials();
        zdd.platform.add("web-1");
        zdd.variables.put("TUTUM_USER", "alice");
    }

    @Test
    void aKeyFileThatIsAFifo_isRefusedAtOnce_neverOpened() throws Exception {
        Path fifo = home.resolve("key.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        Fixture.Result result = zdd.run("services", "--apikey-file", fifo.toString());

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("zdd: the API key file " + fifo + " is not a regular file");
    }

    @Test
    void devZero_isRefused_withoutAnOutOfMemoryError() {
        Fixture.Result result = zdd.run("services", "--apikey-file", "/dev/zero");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("is not a regular file").doesNotContain("OutOfMemoryError", "\tat ");
    }

    @Test
    void aKeyFileLargerThan64KiB_isRefused_unread() throws IOException {
        Path big = home.resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(133L * 1024 * 1024); // sparse: costs no disk
        }

        Fixture.Result result = zdd.run("services", "--apikey-file", big.toString());

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("has 139460608 bytes, more than the 64 KiB a credentials file may have");
    }

    @Test
    void anUnreadableKeyFile_saysWhy() throws IOException {
        Path key = Files.writeString(home.resolve("key"), KEY);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        // Root (as CI runs) reads anything, so the OS refuses nothing: then the words for its refusal are checked.
        assertThat(Credentials.reason(new java.nio.file.AccessDeniedException(key.toString())))
                .isEqualTo("permission denied");
        if (Files.isReadable(key)) {
            return;
        }

        Fixture.Result result = zdd.run("services", "--apikey-file", key.toString());

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("can't read the API key file " + key + ": permission denied");
    }

    @Test
    void theKeyGivenWhereItsFileWasExpected_neverShows() {
        zdd.variables.put("TUTUM_APIKEY", KEY);

        Fixture.Result result = zdd.run("services", "--apikey-file", KEY);

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("--apikey-file names no file");
        assertThat(result.out() + result.err()).doesNotContain(KEY);
    }

    @Test
    void theKeyGivenWhereItsFileWasExpected_neverShows_evenWhenNoVariableHoldsIt() {
        Fixture.Result result = zdd.run("services", "-vv", "--apikey-file", KEY);

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.out() + result.err()).doesNotContain(KEY);
    }

    @Test
    void aKeyFileOthersMayRead_getsAOneLineWarning() throws IOException {
        Path key = Files.writeString(home.resolve("key"), KEY + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        Fixture.Result result = zdd.run("services", "--apikey-file", key.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.errLines()).filteredOn(line -> line.contains("readable by"))
                .containsExactly("zdd: the API key file " + key + " is readable by every user (mode rw-r--r--);"
                        + " make it private: chmod 600 " + key);
    }

    @Test
    void aPrivateKeyFile_getsNoWarning() throws IOException {
        Path key = Files.writeString(home.resolve("key"), KEY + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        Fixture.Result result = zdd.run("services", "--apikey-file", key.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).doesNotContain("readable by");
    }

    @Test
    void aTutumFileOthersMayRead_getsAWarningToo() throws IOException {
        zdd.variables.remove("TUTUM_USER");
        Path file = Files.writeString(home.resolve(".tutum"), "[auth]\nuser = carol\napikey = " + KEY + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).contains(file + " is readable by its group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic abc\r\nX-Injected: 1", "Basic abc\ndef", "ApiKey alice:kéy-ñ-0123", "Basic \u20ac"})
    void aHeaderUnsafeTutumAuth_isExit5_namingTheVariable_neverItsValue(String value) {
        zdd.variables.put("TUTUM_AUTH", value);

        Fixture.Result result = zdd.run("services");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("zdd: TUTUM_AUTH holds a character that can't be sent in an HTTP header")
                .doesNotContain("unexpected failure", "X-Injected", "abc", "kéy");
    }

    @Test
    void theTutumFile_isLookedUpUnderHome_andTheEnvironmentsHomeWins() {
        assertThat(Environment.home(Map.of("HOME", "/somewhere/else"))).isEqualTo(Path.of("/somewhere/else"));
        assertThat(Environment.home(Map.of())).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(Environment.home(Map.of("HOME", ""))).isEqualTo(Path.of(System.getProperty("user.home")));
    }

    @Test
    void tutumAuthBasic_itsDecodedKeyNeverShows() {
        String token = Base64.getEncoder().encodeToString(("alice:" + KEY).getBytes(StandardCharsets.UTF_8));
        zdd.variables.put("TUTUM_AUTH", "Basic " + token);
        zdd.platforms = connection -> {
            throw new IllegalStateException("the server echoed " + KEY + " and alice:" + KEY);
        };

        Fixture.Result result = zdd.run("services", "-vv");

        assertThat(result.out() + result.err()).doesNotContain(KEY, token);
    }

    @Test
    void tutumAuthApiKey_itsKeyAloneNeverShows() {
        zdd.variables.put("TUTUM_AUTH", "ApiKey alice:" + KEY);
        zdd.platforms = connection -> {
            throw new IllegalStateException("the server echoed " + KEY);
        };

        Fixture.Result result = zdd.run("services");

        assertThat(result.out() + result.err()).doesNotContain(KEY);
    }

    @Test
    void aKeyWithQuotesAndBackslashes_echoedByTheServer_neverShowsInTheJsonSummary_evenEscaped() {
        String key = "k3y\"with\\odd/chars-0123";
        zdd.variables.put("TUTUM_APIKEY", key);
        zdd.platforms = connection -> Fixture.failing(dev.zdd.platform.PlatformException.status("GET",
                "/api/v1/service/", 400, "GET /api/v1/service/ answered 400 Bad Request: unknown key " + key));

        Fixture.Result result = zdd.run("redeploy", "--output", "json", "web-1");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.out()).contains("\"event\":\"summary\"").contains("unknown key ***")
                .doesNotContain(key, "k3y\\\"with", "with\\\\odd", "odd\\/chars");
        assertThat(result.err()).doesNotContain(key, "k3y\\\"with");
    }

    @Test
    void aProxyPassword_neverShows_inAnyEncoding() {
        zdd.variables.put("TUTUM_APIKEY", KEY);
        zdd.variables.put("HTTPS_PROXY", "http://proxyuser:pr%40xy-s3cret@proxy.example:3128");
        zdd.platforms = connection -> {
            throw new IllegalStateException("proxy said pr@xy-s3cret, pr%40xy-s3cret and "
                    + Base64.getEncoder().encodeToString("proxyuser:pr@xy-s3cret".getBytes(StandardCharsets.UTF_8)));
        };

        Fixture.Result result = zdd.run("services");

        assertThat(result.out() + result.err()).doesNotContain("s3cret", "cHJveHl1c2VyOnByQHh5LXMzY3JldA");
    }
}
