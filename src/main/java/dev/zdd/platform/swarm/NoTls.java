package dev.zdd.platform.swarm;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a connection that never speaks TLS: a unix socket. Given none,
 * docker-java's transport builds the JVM's default one anyway, the system's whole trust store parsed, a tenth of a
 * second of a short-lived CLI's start, for a scheme it then never uses; this one costs nothing and refuses to serve.
 */
final class NoTls extends SSLContextSpi {

    private NoTls() {
    }

    /** A context that fails if anything ever tries to use it. */
    static SSLContext context() {
        return new SSLContext(new NoTls(), null, "none") {
        };
    }

    private static IllegalStateException unused() {
        return new IllegalStateException("zdd speaks plain HTTP to this Docker Engine: no TLS context to use");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
        throw unused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw unused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw unused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw unused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw unused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw unused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw unused();
    }
}
