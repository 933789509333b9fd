package dev.zdd.startup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Docker Engine with nothing in it, on a unix socket of its own, for a training run of {@code zdd services
 * --platform swarm}: every request is answered {@code 200} with an empty JSON list, one request per connection.
 * It loads what a real run on Swarm loads (the transport, the adapter, their JSON) without a daemon.
 */
final class EmptyEngine implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                                          + "Connection: close\r\n\r\n[]").getBytes(StandardCharsets.US_ASCII);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;

    private EmptyEngine(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
        this.thread = new Thread(this::serve, "empty-engine");
        this.thread.setDaemon(true);
    }

    static EmptyEngine start(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        EmptyEngine engine = new EmptyEngine(socket, server);
        engine.thread.start();
        return engine;
    }

    Path socket() {
        return socket;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer head = ByteBuffer.allocate(16 * 1024);
                // Until the request's head ends; a GET has no body.
                while (client.read(head) > 0 && !headEnded(head)) {
                    if (!head.hasRemaining()) {
                        break;
                    }
                }
                client.write(ByteBuffer.wrap(ANSWER));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static boolean headEnded(ByteBuffer head) {
        String text = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
        return text.contains("\r\n\r\n");
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
