package dev.zdd.platform.swarm;

import com.github.dockerjava.transport.SSLConfig;
import dev.zdd.platform.PlatformException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS as the docker CLI does it with DOCKER_TLS_VERIFY: trust {@code ca.pem} only, and present {@code cert.pem}
 * with {@code key.pem}. Built on the JDK alone (docker-java's own version needs Bouncy Castle, 8 MB in the jar).
 * Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), which
 * covers what {@code openssl genrsa} and Docker's TLS guide produce.
 */
final class DockerTls implements SSLConfig {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private final Path certPath;

    DockerTls(Path certPath) {
        this.certPath = certPath;
    }

    @Override
    public SSLContext getSSLContext() {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(x509, "ca.pem")) {
                trusted.setCertificateEntry("ca-" + i++, ca);
            }
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("client", privateKey(read("key.pem")), NO_PASSWORD,
                    certificates(x509, "cert.pem").toArray(new Certificate[0]));

            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw PlatformException.configuration("cannot use the TLS files in " + certPath + " (ca.pem, cert.pem,"
                                                  + " key.pem from DOCKER_CERT_PATH): " + e.getMessage());
        }
    }

    private Collection<? extends Certificate> certificates(CertificateFactory x509, String file)
            throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> found = x509.generateCertificates(
                new ByteArrayInputStream(read(file).getBytes(StandardCharsets.US_ASCII)));
        if (found.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no certificate");
        }
        return found;
    }

    private String read(String file) throws IOException {
        return Files.readString(certPath.resolve(file), StandardCharsets.US_ASCII);
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(der)));
                }
                case "EC PRIVATE KEY" -> throw new GeneralSecurityException("key.pem is a SEC1 EC key; convert it"
                        + " with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pem");
                default -> {
                    // e.g. EC PARAMETERS before the key: look on
                }
            }
        }
        throw new GeneralSecurityException("key.pem holds no unencrypted private key");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this algorithm: try the next
            }
        }
        throw new GeneralSecurityException("key.pem holds a key of an algorithm zdd can't use");
    }

    /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo, which is all the JDK reads. */
    static byte[] wrapRsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaEncryption = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
                                0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaEncryption);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
