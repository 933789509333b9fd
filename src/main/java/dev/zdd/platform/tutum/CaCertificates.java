package dev.zdd.platform.tutum;

import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * {@code --ca-cert FILE}: trust the CA certificates in a PEM file in addition to the system's. Certificates are
 * still verified, chain and host name alike; this only adds anchors.
 */
record CaCertificates(SSLContext context, X509TrustManager trustManager) {

    static CaCertificates trustingAlso(Path file) {
        Collection<? extends Certificate> extra = read(file);
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate system : trustManager(null).getAcceptedIssuers()) {
                anchors.setCertificateEntry("system-" + n++, system);
            }
            for (Certificate certificate : extra) {
                anchors.setCertificateEntry("ca-cert-" + n++, certificate);
            }
            X509TrustManager trustManager = trustManager(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return new CaCertificates(context, trustManager);
        } catch (GeneralSecurityException | IOException e) {
            throw PlatformException.configuration("--ca-cert " + file + ": can't build a trust store from it ("
                                                  + e.getMessage() + ")");
        }
    }

    private static Collection<? extends Certificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw PlatformException.configuration("--ca-cert " + file + " holds no certificate; give a PEM file"
                                                      + " with one or more -----BEGIN CERTIFICATE----- blocks");
            }
            return certificates;
        } catch (NoSuchFileException e) {
            throw PlatformException.configuration("--ca-cert " + file + " does not exist");
        } catch (IOException e) {
            throw PlatformException.configuration("--ca-cert " + file + ": can't read it (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw PlatformException.configuration("--ca-cert " + file + " is not a PEM certificate file ("
                                                  + e.getMessage() + ")");
        }
    }

    /** The platform's default X.509 trust manager over {@code anchors}, or over the system's when null. */
    private static X509TrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
