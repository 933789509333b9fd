package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zdd.platform.Changes;
import dev.zdd.platform.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOCKER_TLS_VERIFY against the real engine: {@code .ci/swarm-up} also serves it over TCP with TLS on loopback,
 * with a client key in PKCS#1, and names the host and certificates in ZDD_TEST_TLS_HOST and ZDD_TEST_TLS_CERTS.
 */
class SwarmTlsIT {

    private String host;
    private Path certs;

    @BeforeEach
    void findTheTlsEngine() {
        host = System.getenv("ZDD_TEST_TLS_HOST");
        String dir = System.getenv("ZDD_TEST_TLS_CERTS");
        String message = "no TLS engine to test against: ZDD_TEST_TLS_HOST and ZDD_TEST_TLS_CERTS are set by"
                         + " bin/test (as root), or by eval \"$(.ci/swarm-up)\"";
        if (host == null || dir == null) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        certs = Path.of(dir);
    }

    @Test
    void speaksTlsWithTheCertificatesOfDockerCertPath() {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST", host, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString()), Path.of("/nonexistent"));

        try (SwarmPlatform platform = new SwarmPlatform(config)) {
            assertThat(platform.services()).isNotNull();
        }
    }

    @Test
    void listensToTheEnginesEventsOverTheSameTls() throws Exception {
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST", host, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString()), Path.of("/nonexistent"));

        try (SwarmPlatform platform = new SwarmPlatform(config); Changes changes = platform.changes()) {
            for (int i = 0; i < 100 && !changes.live(); i++) {
                Thread.sleep(50);
            }
            assertThat(changes.live()).isTrue();
        }
        SwarmEventsTest.assertNoListenerLeft();
    }

    @Test
    void refusesAnEngineWhoseCertificateTheCaDidNotSign(@TempDir Path other) throws Exception {
        Files.copy(certs.resolve("cert.pem"), other.resolve("ca.pem")); // trusts only the client's certificate
        Files.copy(certs.resolve("cert.pem"), other.resolve("cert.pem"));
        Files.copy(certs.resolve("key.pem"), other.resolve("key.pem"));
        SwarmConfig config = SwarmConfig.fromEnvironment(Map.of("DOCKER_HOST", host, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", other.toString()), Path.of("/nonexistent"));

        try (SwarmPlatform platform = new SwarmPlatform(config)) {
            assertThatThrownBy(platform::services).isInstanceOfSatisfying(PlatformException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSPORT);
                        assertThat(e.getMessage()).startsWith("TLS with the Docker Engine at " + host + " failed")
                                .contains("DOCKER_CERT_PATH").doesNotContain("\n");
                    });
        }
    }
}
