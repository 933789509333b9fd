package dev.zdd.platform.tutum;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import javax.net.SocketFactory;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * How zdd's connections to the API and its events stream are opened: with {@code TCP_NODELAY}, and without TLS
 * when neither needs it.
 *
 * <p>OkHttp builds the system's TLS trust (every CA certificate the JDK knows, parsed) as soon as a client is
 * built, even for an {@code http://} URL that never uses it: a tenth of a second of a short-lived CLI's start.
 * A client that speaks only cleartext skips it. Nagle's algorithm would hold a small write back until the
 * previous one is acknowledged, which a peer may delay by 40 ms; every request and frame here is small.
 */
final class Connections {

    private Connections() {
    }

    /** Sets up {@code builder} for an API at {@code api} and an events stream at {@code stream} (or none: null). */
    static OkHttpClient.Builder tune(OkHttpClient.Builder builder, HttpUrl api, URI stream) {
        builder.socketFactory(NoDelaySocketFactory.INSTANCE);
        if (!needsTls(api, stream)) {
            builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        }
        return builder;
    }

    static boolean needsTls(HttpUrl api, URI stream) {
        String streamScheme = stream == null || stream.getScheme() == null ? ""
                : stream.getScheme().toLowerCase(Locale.ROOT);
        return api.isHttps() || streamScheme.equals("wss") || streamScheme.equals("https");
    }

    /** The JDK's plain sockets, with {@code TCP_NODELAY} on. */
    static final class NoDelaySocketFactory extends SocketFactory {

        static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

        private final SocketFactory plain = SocketFactory.getDefault();

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(plain.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(plain.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(plain.createSocket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws SocketException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
