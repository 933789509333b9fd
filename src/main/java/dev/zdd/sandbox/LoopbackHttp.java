package dev.zdd.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client for talking to the sandbox's own containers: one connection per request, closed by the
 * server. Plain sockets rather than {@code java.net.http}, because the load balancer must tell a refused connection
 * (retry elsewhere) from a connection that closed before answering (also safe to retry) from a late answer.
 */
final class LoopbackHttp {

    /** The answer of a container; {@code image} is its {@code X-Sandbox-Image} header, or null. */
    record Reply(int status, String contentType, byte[] body, String image) {
    }

    /** The connection was accepted but closed or reset before a single byte of answer: safe to send elsewhere. */
    static final class NoAnswerException extends IOException {
        NoAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_REPLY_BYTES = 1 << 20;
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK's HTTP server writes an answer's head and its body separately and, without TCP_NODELAY, the
        // body waits for the client to acknowledge the head, which Linux delays by up to 40 ms: every answer of
        // the sandbox's API and load balancer would come that late. The server reads the property once, when
        // its first instance starts, so it is set here, before any (unless the user set it).
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private LoopbackHttp() {
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /** The JDK's HTTP server on the loopback address, answering without Nagle's delay (see above). */
    static HttpServer server(int port, int backlog) throws IOException {
        return HttpServer.create(new InetSocketAddress(loopback(), port), backlog);
    }

    /**
     * Sends one request to {@code 127.0.0.1:port}.
     *
     * @throws java.net.ConnectException       nothing listens on the port
     * @throws NoAnswerException               the connection closed before any answer
     * @throws java.net.SocketTimeoutException no complete answer within the timeout
     */
    static Reply send(int port, String method, String target, byte[] body, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(loopback(), port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            String head = method + " " + target + " HTTP/1.1\r\n"
                          + "Host: 127.0.0.1:" + port + "\r\n"
                          + "Connection: close\r\n"
                          + (body.length > 0 ? "Content-Length: " + body.length + "\r\n" : "")
                          + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            byte[] raw = readAll(socket.getInputStream());
            return parse(raw);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try {
            int n;
            while ((n = in.read(chunk)) != -1 && buffer.size() < MAX_REPLY_BYTES) {
                buffer.write(chunk, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw e; // a late answer: the request may have run, so it is not one to send elsewhere
        } catch (IOException e) {
            if (buffer.size() == 0) {
                throw new NoAnswerException("connection reset before any answer", e);
            }
            throw e;
        }
        if (buffer.size() == 0) {
            throw new NoAnswerException("connection closed before any answer", null);
        }
        return buffer.toByteArray();
    }

    private static Reply parse(byte[] raw) throws IOException {
        int headEnd = indexOf(raw, new byte[] {'\r', '\n', '\r', '\n'});
        if (headEnd < 0) {
            throw new IOException("incomplete HTTP answer");
        }
        String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + lines[0]);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + lines[0], e);
        }
        String contentType = null;
        String image = null;
        int contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-type")) {
                contentType = value;
            } else if (name.equalsIgnoreCase(ContainerServer.IMAGE_HEADER)) {
                image = value;
            } else if (name.equals("content-length")) {
                contentLength = Integer.parseInt(value);
            }
        }
        int bodyStart = headEnd + 4;
        int bodyLength = raw.length - bodyStart;
        if (contentLength >= 0) {
            bodyLength = Math.min(bodyLength, contentLength);
        }
        byte[] body = new byte[Math.max(0, bodyLength)];
        System.arraycopy(raw, bodyStart, body, 0, body.length);
        return new Reply(status, contentType, body, image);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
