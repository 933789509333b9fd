package dev.zdd.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One call adds a secret in every form it can show in. */
class SecretsTest {

    private static final String KEY = "a\"key\\with/odd chars&0123";

    @Test
    void aSecret_isMaskedRaw_jsonEscaped_urlEncoded_andHtmlEscaped() {
        Secrets secrets = new Secrets();
        secrets.add(KEY);

        assertThat(secrets.redact("raw " + KEY)).isEqualTo("raw ***");
        assertThat(secrets.redact("{\"error\": \"a\\\"key\\\\with/odd chars&0123\"}")).isEqualTo("{\"error\": \"***\"}");
        assertThat(secrets.redact("?k=a%22key%5Cwith%2Fodd+chars%260123")).isEqualTo("?k=***");
        assertThat(secrets.redact("<td>a&quot;key\\with/odd chars&amp;0123</td>")).isEqualTo("<td>***</td>");
    }

    @Test
    void credentials_areMaskedByTheirKey_andAsBasicAuth() {
        Secrets secrets = new Secrets();
        secrets.addCredentials("alice", "s3cr3t-api-key");

        assertThat(secrets.redact("YWxpY2U6czNjcjN0LWFwaS1rZXk= alice:s3cr3t-api-key s3cr3t-api-key"))
                .isEqualTo("*** *** ***");
    }

    @Test
    void shortValues_areNotMasked_soOrdinaryWordsSurvive() {
        Secrets secrets = new Secrets();
        secrets.add("ab");

        assertThat(secrets.redact("about")).isEqualTo("about");
    }
}
