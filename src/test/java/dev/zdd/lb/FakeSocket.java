package dev.zdd.lb;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for HAProxy's admin socket: reads one command line per connection, writes what {@code answers} says
 * and closes, as HAProxy does; a null answer keeps the connection open without a word (a hung load balancer).
 */
final class FakeSocket implements AutoCloseable {

    final Path path;
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<SocketChannel> hung = new CopyOnWriteArrayList<>();

    FakeSocket(Path dir, Function<String, String> answers) throws IOException {
        this.path = dir.resolve("admin.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        this.acceptor = new Thread(() -> serve(answers), "fake-haproxy-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Function<String, String> answers) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                String command = readLine(client);
                commands.add(command);
                String answer = answers.apply(command);
                if (answer == null) {
                    hung.add(client);
                    continue;
                }
                try (client) {
                    client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (client.read(one) > 0) {
            char c = (char) one.get(0);
            one.clear();
            if (c == '\n') {
                break;
            }
            line.append(c);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel channel : hung) {
            channel.close();
        }
        Files.deleteIfExists(path);
    }
}
