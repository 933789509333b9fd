package dev.zdd.sandbox;

import dev.zdd.time.Sleeper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The application inside one container slot ({@code web-1-1}): a real HTTP server on a loopback port that the
 * slot keeps across redeploys, as Tutum containers kept their address.
 *
 * <p>{@link #stop} behaves like SIGTERM to a well-behaved app: the listening socket closes at once (new
 * connections are refused) and requests already accepted still get their answer. {@link #listen} brings it back on
 * the same port; until the given ready time it answers 503, as an application that is still warming up.
 *
 * <p>A request with {@code ?delay=MS} in its target is answered after that much work (at most
 * {@link #MAX_DELAY}), as a slow endpoint is. After {@link #killOnStop}, a stop is a kill instead (an application
 * that ignores SIGTERM, such as busybox httpd, and is killed): the requests under way are cut, their connections
 * reset without an answer, and counted.
 */
final class ContainerServer implements Closeable {

    /**
     * Who answers: changes with every redeploy, while the port stays.
     *
     * @param image what it runs, {@code repo:tag@sha256:...}, so that a client sees when a new version serves
     */
    record Identity(String service, String container, String uuid, Instant readyAt, String image) {
    }

    /** The header every answer carries: the image the container runs, with its digest. */
    static final String IMAGE_HEADER = "X-Sandbox-Image";

    private static final int BACKLOG = 50;
    private static final int MAX_HEAD_BYTES = 8192;
    private static final int END_OF_HEAD = 0x0d0a0d0a; // CR LF CR LF
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_DELAY = Duration.ofSeconds(10);

    private final String slotName;
    private final Clock clock;
    private final Executor handlers;
    private final Object inFlightLock = new Object();
    private int inFlight;
    private int port;
    private ServerSocket listener;
    private Thread acceptor;
    private volatile Identity identity;
    /** Connections accepted and not yet answered, which a kill resets. Guarded by {@link #inFlightLock}. */
    private final Set<Socket> open = new HashSet<>();
    /**
     * Of those, the ones whose request the application has read and works on: what a kill cuts. A connection
     * whose request was not read yet is reset too, but counts as refused rather than cut (a proxy tries it again).
     */
    private final Set<Socket> working = new HashSet<>();
    private volatile Consumer<String> killed;
    private final AtomicLong cut = new AtomicLong();

    ContainerServer(String slotName, Clock clock, Executor handlers) {
        this.slotName = slotName;
        this.clock = clock;
        this.handlers = handlers;
    }

    String slotName() {
        return slotName;
    }

    /** The port, fixed by the first {@link #listen} (0 before). */
    synchronized int port() {
        return port;
    }

    /**
     * From now on a stop kills: requests under way are cut rather than answered, and {@code events} hears how many.
     */
    void killOnStop(Consumer<String> events) {
        this.killed = events;
    }

    /** Requests cut by kills so far. */
    long cutRequests() {
        return cut.get();
    }

    /** Requests read and being worked on: what a kill now would cut. */
    int working() {
        synchronized (inFlightLock) {
            return working.size();
        }
    }

    /** Connections accepted and not yet answered. */
    int inFlight() {
        synchronized (inFlightLock) {
            return inFlight;
        }
    }

    /** Starts accepting connections, on the slot's port (an ephemeral one the first time). */
    synchronized void listen(Identity who) throws IOException {
        if (listener != null) {
            throw new IllegalStateException(slotName + " is already listening");
        }
        identity = who;
        ServerSocket socket = new ServerSocket();
        try {
            // Our own earlier connections may sit in TIME_WAIT on this port: without this the rebind would fail.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LoopbackHttp.loopback(), port), BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        port = socket.getLocalPort();
        listener = socket;
        acceptor = new Thread(() -> acceptLoop(socket), "container-" + slotName);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Stops accepting connections at once, then waits (at most {@code grace}) for the requests already accepted to
     * get their answers.
     */
    void stop(Duration grace) throws InterruptedException {
        Thread stopped;
        synchronized (this) {
            if (listener == null) {
                return;
            }
            closeQuietly(listener);
            listener = null;
            stopped = acceptor;
            acceptor = null;
        }
        stopped.join(grace.toMillis() + 1);
        Consumer<String> kill = killed;
        if (kill != null) {
            int cutNow = cutInFlight();
            kill.accept(slotName + " killed" + (cutNow == 0 ? ": no request under way"
                    : ": " + cutNow + (cutNow == 1 ? " request" : " requests") + " under way cut"));
            return;
        }
        awaitIdle(grace);
    }

    /** Resets every connection not yet answered, as a killed process's are; returns the requests cut. */
    private int cutInFlight() {
        List<Socket> victims;
        int cutNow;
        synchronized (inFlightLock) {
            victims = List.copyOf(open);
            cutNow = working.size();
            open.clear();
            working.clear();
        }
        for (Socket socket : victims) {
            try {
                socket.setSoLinger(true, 0); // a reset, not an orderly close: the answer never comes
            } catch (SocketException e) {
                // already closed
            }
            closeQuietly(socket);
        }
        cut.addAndGet(cutNow);
        return cutNow;
    }

    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitIdle(Duration grace) throws InterruptedException {
        // Real time on purpose: this waits for real sockets to finish, not for a step of the platform's logic.
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                inFlightLock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return; // closed by stop()
            }
            synchronized (inFlightLock) {
                inFlight++;
                open.add(connection);
            }
            Identity who = identity;
            handlers.execute(() -> {
                try {
                    serve(connection, who);
                } finally {
                    synchronized (inFlightLock) {
                        open.remove(connection);
                        working.remove(connection);
                        inFlight--;
                        inFlightLock.notifyAll();
                    }
                }
            });
        }
    }

    private void serve(Socket connection, Identity who) {
        try (connection) {
            connection.setSoTimeout((int) READ_TIMEOUT.toMillis());
            connection.setTcpNoDelay(true); // the head and the body are two writes: no wait between them
            String requestLine = readHead(connection.getInputStream());
            if (requestLine == null) {
                return;
            }
            synchronized (inFlightLock) {
                if (!open.contains(connection)) {
                    return; // killed before it read the request
                }
                working.add(connection);
            }
            boolean head = requestLine.startsWith("HEAD ");
            Duration work = delay(requestLine);
            if (!work.isZero()) {
                try {
                    // Real time: the work of a request on a real socket, as the health checks' timing is.
                    Sleeper.SYSTEM.sleep(work);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                synchronized (inFlightLock) {
                    if (!open.contains(connection)) {
                        return; // killed meanwhile: cut, never answered
                    }
                }
            }
            boolean ready = !clock.instant().isBefore(who.readyAt());
            int status = ready ? 200 : 503;
            String body = ready
                    ? "service " + who.service() + ", container " + who.container() + " (" + who.uuid() + "),"
                      + " image " + who.image() + "\n"
                    : "container " + who.container() + " is warming up\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String response = "HTTP/1.1 " + status + (ready ? " OK" : " Service Unavailable") + "\r\n"
                              + "Content-Type: text/plain; charset=utf-8\r\n"
                              + "Content-Length: " + bytes.length + "\r\n"
                              + "X-Sandbox-Container: " + who.container() + "\r\n"
                              + IMAGE_HEADER + ": " + who.image() + "\r\n"
                              + "Connection: close\r\n\r\n";
            OutputStream out = connection.getOutputStream();
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            if (!head) {
                out.write(bytes);
            }
            out.flush();
        } catch (SocketException e) {
            // the client went away: nothing to answer
        } catch (IOException e) {
            // a slow or broken client: drop the connection, as a real server would
        }
    }

    /** The work a request asks for with {@code ?delay=MS} (or {@code &delay=MS}), at most {@link #MAX_DELAY}. */
    static Duration delay(String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length < 2) {
            return Duration.ZERO;
        }
        int query = parts[1].indexOf('?');
        if (query < 0) {
            return Duration.ZERO;
        }
        for (String pair : parts[1].substring(query + 1).split("&")) {
            if (pair.startsWith("delay=")) {
                try {
                    long millis = Long.parseLong(pair.substring(6));
                    return millis <= 0 ? Duration.ZERO : Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
                } catch (NumberFormatException e) {
                    return Duration.ZERO;
                }
            }
        }
        return Duration.ZERO;
    }

    /** Reads the request head and returns its first line, or null when the client sent none. */
    private static String readHead(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        int b;
        while (lastFour != END_OF_HEAD && head.size() < MAX_HEAD_BYTES && (b = in.read()) != -1) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        return end <= 0 ? null : text.substring(0, end);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing a listening socket: nothing useful to do about a failure
        }
    }
}
