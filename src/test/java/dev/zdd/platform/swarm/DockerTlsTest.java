package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zdd.platform.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerTlsTest {

    @TempDir
    Path dir;

    @Test
    void readsPkcs8AndPkcs1RsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        // The JDK's PrivateKeyInfo for a 2048-bit RSA key: a 26-byte header, then the PKCS#1 key as the octets.
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);

        assertThat(DockerTls.wrapRsa(pkcs1)).isEqualTo(pkcs8);
        assertThat(DockerTls.privateKey(pem("PRIVATE KEY", pkcs8))).isEqualTo(pair.getPrivate());
        PrivateKey fromPkcs1 = DockerTls.privateKey(pem("RSA PRIVATE KEY", pkcs1));
        assertThat(fromPkcs1.getEncoded()).isEqualTo(pkcs8);
    }

    @Test
    void readsEcKeysInPkcs8_andNamesTheConversionForSec1() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();

        assertThat(DockerTls.privateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded())))
                .isEqualTo(pair.getPrivate());
        assertThatThrownBy(() -> DockerTls.privateKey(pem("EC PRIVATE KEY", new byte[] {1, 2, 3})))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void buildsAContextFromTheFilesOpensslMakes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Process process = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-subj", "/CN=zdd-test", "-days", "1", "-keyout", "key.pem", "-out", "cert.pem")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Files.copy(dir.resolve("cert.pem"), dir.resolve("ca.pem"));

        assertThat(new DockerTls(dir).getSSLContext()).isNotNull();
    }

    @Test
    void missingFilesAreAConfigurationFailure() {
        assertThatThrownBy(() -> new DockerTls(dir).getSSLContext())
                .isInstanceOfSatisfying(PlatformException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PlatformException.Kind.CONFIGURATION);
                    assertThat(e.getMessage()).contains(dir.toString(), "ca.pem");
                });
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
               + "\n-----END " + type + "-----\n";
    }
}
