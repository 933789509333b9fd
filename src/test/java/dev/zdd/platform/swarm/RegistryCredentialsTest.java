package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.platform.ImageReference;
import dev.zdd.platform.swarm.RegistryCredentials.CredentialsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the docker CLI keeps registry credentials, read as it reads them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistryCredentialsTest {

    private static final ImageReference LOCAL = ImageReference.parse("127.0.0.1:5000/web:latest");
    private static final ImageReference HUB = ImageReference.parse("shop/web:1.0");

    @TempDir
    Path config;
    @TempDir
    Path bin;

    private final List<String> secrets = new ArrayList<>();

    private RegistryCredentials credentials(Duration helperTimeout) {
        return new RegistryCredentials(config, List.of(bin), helperTimeout, secrets::add);
    }

    private RegistryCredentials credentials() {
        return credentials(Duration.ofSeconds(10));
    }

    private void configJson(String json) throws IOException {
        Files.writeString(config.resolve("config.json"), json);
    }

    /** A {@code docker-credential-NAME} script that records how it was asked, then runs {@code body}. */
    private void helper(String name, String body) throws IOException {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\necho \"$@\" > \"$0.args\"\ncat > \"$0.stdin\"\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode decoded(String header) throws IOException {
        return DockerApi.json().readTree(Base64.getUrlDecoder().decode(header));
    }

    @Test
    void readsAnAuthsEntry_andEncodesItForXRegistryAuth_withItsPadding() throws IOException {
        configJson("{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + base64("zdd:s3cret-pass") + "\"}}}");

        RegistryAuth auth = credentials().forImage(LOCAL).orElseThrow();

        assertThat(auth.username()).isEqualTo("zdd");
        assertThat(auth.password()).isEqualTo("s3cret-pass");
        String header = auth.encoded();
        assertThat(header).matches("[A-Za-z0-9_-]+=*").endsWith("=");
        JsonNode json = decoded(header);
        assertThat(json.path("username").asText()).isEqualTo("zdd");
        assertThat(json.path("password").asText()).isEqualTo("s3cret-pass");
        assertThat(json.path("serveraddress").asText()).isEqualTo("127.0.0.1:5000");
        assertThat(secrets).contains("s3cret-pass", base64("zdd:s3cret-pass"), header);
        assertThat(auth.toString()).doesNotContain("s3cret-pass");
    }

    @Test
    void matchesKeysWrittenWithASchemeOrAPath_asTheDockerCliDoes() throws IOException {
        configJson("{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" + base64("hub:hub-pass") + "\"},"
                   + " \"http://127.0.0.1:5000/v2/\": {\"username\": \"zdd\", \"password\": \"pw-local\"}}}");

        assertThat(credentials().forImage(HUB).orElseThrow().serverAddress())
                .isEqualTo(ImageReference.DOCKER_HUB_AUTH_KEY);
        assertThat(credentials().forImage(LOCAL).orElseThrow().password()).isEqualTo("pw-local");
    }

    @Test
    void noConfig_orNoEntryForTheRegistry_isNoCredentials() throws IOException {
        assertThat(credentials().forImage(LOCAL)).isEmpty();
        configJson("{\"auths\": {\"registry.example.com\": {\"auth\": \"" + base64("a:b") + "\"}}}");
        assertThat(credentials().forImage(LOCAL)).isEmpty();
    }

    @Test
    void aRegistrysOwnHelper_isAskedWithGetAndTheRegistryOnItsInput() throws IOException {
        configJson("{\"credsStore\": \"other\", \"credHelpers\": {\"127.0.0.1:5000\": \"zddtest\"},"
                   + " \"auths\": {\"127.0.0.1:5000\": {}}}");
        helper("zddtest", "echo '{\"ServerURL\": \"127.0.0.1:5000\", \"Username\": \"zdd\","
                          + " \"Secret\": \"from-the-helper\"}'");

        RegistryAuth auth = credentials().forImage(LOCAL).orElseThrow();

        assertThat(auth.password()).isEqualTo("from-the-helper");
        assertThat(auth.source()).isEqualTo("docker-credential-zddtest");
        assertThat(Files.readString(bin.resolve("docker-credential-zddtest.args")).strip()).isEqualTo("get");
        assertThat(Files.readString(bin.resolve("docker-credential-zddtest.stdin"))).isEqualTo("127.0.0.1:5000");
        assertThat(secrets).contains("from-the-helper");
    }

    @Test
    void theDefaultStore_givesAnIdentityTokenForTheTokenUser() throws IOException {
        configJson("{\"credsStore\": \"zddtest\"}");
        helper("zddtest", "echo '{\"ServerURL\": \"x\", \"Username\": \"<token>\", \"Secret\": \"id-token-1\"}'");

        RegistryAuth auth = credentials().forImage(HUB).orElseThrow();

        assertThat(auth.identityToken()).isEqualTo("id-token-1");
        assertThat(auth.password()).isNull();
        assertThat(Files.readString(bin.resolve("docker-credential-zddtest.stdin")))
                .isEqualTo(ImageReference.DOCKER_HUB_AUTH_KEY);
        assertThat(decoded(auth.encoded()).path("identitytoken").asText()).isEqualTo("id-token-1");
    }

    @Test
    void aHelperWithNothingForTheRegistry_meansNoCredentials() throws IOException {
        configJson("{\"credsStore\": \"zddtest\"}");
        helper("zddtest", "echo 'credentials not found in native keychain'; exit 1");

        assertThat(credentials().forImage(LOCAL)).isEmpty();
    }

    @Test
    void aMissingFailingOrSilentHelper_isAFailureThatSaysWhich() throws IOException {
        configJson("{\"credsStore\": \"absent\"}");
        assertThatThrownBy(() -> credentials().forImage(LOCAL)).isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-absent is not on the PATH");

        configJson("{\"credsStore\": \"zddtest\"}");
        helper("zddtest", "echo 'the keyring is locked'; exit 3");
        assertThatThrownBy(() -> credentials().forImage(LOCAL)).isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-zddtest failed (exit 3): the keyring is locked");

        helper("zddtest", "exec sleep 20");
        long start = System.nanoTime();
        assertThatThrownBy(() -> credentials(Duration.ofMillis(300)).forImage(LOCAL))
                .isInstanceOf(CredentialsException.class).hasMessageContaining("did not answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aBrokenConfigFile_isAFailureThatNamesItButShowsNoneOfIt() throws IOException {
        configJson("{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"c2VjcmV0\" oops");

        assertThatThrownBy(() -> credentials().forImage(LOCAL)).isInstanceOf(CredentialsException.class)
                .hasMessageContaining(config.resolve("config.json").toString())
                .hasMessageNotContaining("c2VjcmV0");
    }

    @Test
    void readsTheFolderFromDockerConfig_elseHomeDotDocker() throws IOException {
        configJson("{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + base64("a:from-docker-config") + "\"}}}");
        RegistryCredentials fromVariable = RegistryCredentials.fromEnvironment(
                Map.of("DOCKER_CONFIG", config.toString(), "PATH", bin.toString()), Path.of("/nonexistent"),
                secrets::add);
        assertThat(fromVariable.forImage(LOCAL).map(RegistryAuth::password)).isEqualTo(Optional.of(
                "from-docker-config"));

        Files.createDirectories(bin.resolve(".docker"));
        Files.writeString(bin.resolve(".docker/config.json"),
                "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"" + base64("a:from-home") + "\"}}}");
        RegistryCredentials fromHome = RegistryCredentials.fromEnvironment(Map.of(), bin, secrets::add);
        assertThat(fromHome.forImage(LOCAL).map(RegistryAuth::password)).isEqualTo(Optional.of("from-home"));
    }
}
