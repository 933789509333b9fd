package dev.zdd.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile HTTP server on a raw socket, on loopback and an ephemeral port: each connection is handed to a
 * {@link Behaviour} on a daemon thread, and {@link #close()} ends every connection, so that no test outlives its
 * server. It reads the request head (never its body) before behaving.
 */
public final class RawServer implements AutoCloseable {

    /** What the server does with one connection, after reading the request head. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(String requestHead, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public RawServer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    connections.add(socket);
                    Thread handler = new Thread(() -> handle(socket, behaviour), "raw-server-connection");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts and never answers. */
    public static Behaviour silent() {
        return (head, out) -> Thread.sleep(Long.MAX_VALUE);
    }

    /** Answers 200 with a chunked JSON body that never ends: one byte every {@code millis}. */
    public static Behaviour trickling(long millis) {
        return (head, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (true) {
                out.write("1\r\n \r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(millis);
            }
        };
    }

    private void handle(Socket socket, Behaviour behaviour) {
        try (socket) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            requests.add(head.toString());
            behaviour.serve(head.toString(), socket.getOutputStream());
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is closing
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The request heads received, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
