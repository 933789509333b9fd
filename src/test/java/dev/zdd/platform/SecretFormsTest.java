package dev.zdd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretFormsTest {

    private static final String KEY = "k\"e\\y/é 1+2&<x>";

    @Test
    void aSecretIsKnownRaw_jsonEscaped_urlEncoded_andHtmlEscaped() {
        Set<String> forms = SecretForms.of(KEY);

        assertThat(forms).contains(KEY, "k\\\"e\\\\y/é 1+2&<x>", "k\\\"e\\\\y\\/\\u00e9 1+2&<x>",
                "k%22e%5Cy%2F%C3%A9+1%2B2%26%3Cx%3E", "k%22e%5Cy%2F%C3%A9%201%2B2%26%3Cx%3E",
                "k&quot;e\\y/é 1+2&amp;&lt;x&gt;");
    }

    @Test
    void basicAuthorization_isKnownEncoded_decoded_andByItsKeyAlone() {
        String token = Base64.getEncoder().encodeToString("alice:s3cr3t-api-key".getBytes(StandardCharsets.UTF_8));

        Set<String> forms = SecretForms.ofAuthorization("Basic " + token);

        assertThat(forms).contains("Basic " + token, token, "alice:s3cr3t-api-key", "s3cr3t-api-key");
    }

    @Test
    void apiKeyAuthorization_isKnownByItsKeyAlone() {
        assertThat(SecretForms.ofAuthorization("ApiKey alice:s3cr3t-api-key"))
                .contains("ApiKey alice:s3cr3t-api-key", "alice:s3cr3t-api-key", "s3cr3t-api-key",
                        Base64.getEncoder().encodeToString("alice:s3cr3t-api-key".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void masking_replacesTheLongestFormFirst() {
        Set<String> forms = SecretForms.ofAuthorization("ApiKey alice:s3cr3t-api-key");

        assertThat(SecretForms.mask("sent ApiKey alice:s3cr3t-api-key; key s3cr3t-api-key", forms, "***"))
                .isEqualTo("sent ***; key ***");
    }
}
