package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancerException;
import dev.zdd.time.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HAProxy's runtime API over its admin socket ({@code stats socket PATH level admin}): {@code show stat} reads the
 * servers, {@code set server BACKEND/SERVER state drain|ready} steers one. One connection per command, which
 * HAProxy closes once it has answered; a command that succeeds answers an empty line, any other answer is an error.
 * Every command is bounded by a timeout, and an interrupt ends it.
 */
public final class HaproxySocket implements LoadBalancer {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Far more than the statistics of a few thousand servers. */
    private static final int MAX_ANSWER_BYTES = 32 << 20;

    private final Path socket;
    private final Duration timeout;

    public HaproxySocket(Path socket) {
        this(socket, TIMEOUT);
    }

    HaproxySocket(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "unix://" + socket;
    }

    @Override
    public List<Server> servers() {
        return StatsCsv.parse(command("show stat"), describe());
    }

    @Override
    public void set(String backend, String server, Admin state) {
        String command = "set server " + Names.checked(backend, describe()) + "/" + Names.checked(server, describe())
                         + " state " + state.word();
        String answer = command(command).strip();
        if (!answer.isEmpty()) {
            String hint = answer.startsWith("Permission denied")
                    ? " (the socket must be at admin level: 'stats socket " + socket + " level admin')" : "";
            throw new LoadBalancerException(describe() + ": '" + command + "' was refused: " + StatsCsv.abbreviate(answer)
                                            + hint);
        }
    }

    /** Sends one command, returns HAProxy's whole answer. */
    String command(String command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket)); // a local socket: connected or refused at once
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
                ByteBuffer request = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
                while (request.hasRemaining()) {
                    await(selector, deadline, command);
                    channel.write(request);
                }
                key.interestOps(SelectionKey.OP_READ);
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                while (true) {
                    await(selector, deadline, command);
                    int read = channel.read(chunk);
                    if (read < 0) {
                        return answer.toString(StandardCharsets.UTF_8);
                    }
                    answer.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                    if (answer.size() > MAX_ANSWER_BYTES) {
                        throw new LoadBalancerException(describe() + ": the answer to '" + command + "' is larger"
                                                        + " than " + (MAX_ANSWER_BYTES >> 20) + " MB");
                    }
                }
            }
        } catch (ClosedByInterruptException e) {
            throw interrupted(command);
        } catch (IOException e) {
            throw new LoadBalancerException(describe() + ": " + problem(e), e);
        }
    }

    private void await(Selector selector, long deadline, String command) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LoadBalancerException(describe() + ": no answer to '" + command + "' within "
                                                + Durations.setting(timeout));
            }
            int ready = selector.select(Math.max(1, left / 1_000_000));
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(command);
            }
            if (ready > 0) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    private LoadBalancerException interrupted(String command) {
        Thread.currentThread().interrupt();
        return new LoadBalancerException(describe() + ": interrupted during '" + command + "'");
    }

    /** What went wrong in words that say what to check. */
    private String problem(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No such file")) {
            return "no socket at " + socket + " (is HAProxy running, with 'stats socket " + socket
                   + " level admin'?)";
        }
        if (message.contains("Connection refused")) {
            return "connection refused (is HAProxy running?)";
        }
        if (message.contains("Permission denied")) {
            return "permission denied (the socket's owner and mode decide who may use it)";
        }
        return message;
    }
}
