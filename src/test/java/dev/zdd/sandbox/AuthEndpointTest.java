package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 7 of issue 17: {@code GET /api/v1/auth/}, what {@code tutum login} and python-tutum's
 * {@code verify_credential} call, answers with the user's API keys in the list envelope, as Tutum did before
 * December 2015 ({@code {"objects": [{"key": ..., "username": ...}]}}), and 401 to wrong credentials.
 */
@Timeout(15)
class AuthEndpointTest {

    private Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web")).user("alice").apiKey("k3y").build().start();
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void answersTheUsersApiKeys_toTheRightCredentialsInEitherScheme() {
        for (String authorization : List.of(basic("alice:k3y"), "ApiKey alice:k3y")) {
            ApiClient.Answer answer = new ApiClient(sandbox.apiUrl(), authorization).get("/api/v1/auth/");

            assertThat(answer.status()).isEqualTo(200);
            JsonNode objects = answer.json().path("objects");
            assertThat(objects).hasSize(1);
            assertThat(objects.get(0).path("key").asText()).isEqualTo("k3y");
            assertThat(objects.get(0).path("username").asText()).isEqualTo("alice");
            assertThat(answer.json().path("meta").path("total_count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void refusesWrongCredentials_with401() {
        ApiClient.Answer wrong = new ApiClient(sandbox.apiUrl(), basic("alice:guess")).get("/api/v1/auth/");

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").asText()).isNotBlank();
        assertThat(wrong.raw().body()).doesNotContain("k3y");
    }

    @Test
    void answersWherePythonDockercloudChecksCredentials_theHostsOwnAuthPath() {
        ApiClient api = new ApiClient(sandbox.apiUrl(), basic("alice:k3y"));

        assertThat(api.get("/auth/").status()).isEqualTo(200);
        assertThat(api.send("POST", "/api/v1/auth/").status()).isEqualTo(405);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
