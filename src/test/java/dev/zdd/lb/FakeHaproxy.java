package dev.zdd.lb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in HAProxy for command tests: servers with a status and sessions, behind an admin socket and a stats page
 * with {@code stats admin} and Basic credentials, both answering as HAProxy 2.6 does. A drained server reports DRAIN
 * and no sessions; a server set ready reports UP after {@link #readsUntilUp} more reads.
 */
public final class FakeHaproxy implements AutoCloseable {

    public static final String USER = "admin";
    public static final String PASSWORD = "st4ts-pa55w0rd";

    /** One server. */
    public static final class Server {
        final String backend;
        final String name;
        final String address;
        public volatile String status = "UP";
        public volatile int sessions;
        /** Its sessions outlast a drain (long requests); by default they end the moment it is drained. */
        public volatile boolean holdSessions;
        volatile int readsLeft = -1;

        Server(String backend, String name, String address) {
            this.backend = backend;
            this.name = name;
            this.address = address;
        }
    }

    private final Map<String, Server> servers = new LinkedHashMap<>();
    /** Orders as the socket or the page took them, e.g. {@code drain app/web-1-1}. */
    public final List<String> orders = new CopyOnWriteArrayList<>();
    /** How many reads a ready server stays DOWN before it is UP. */
    public volatile int readsUntilUp;
    private FakeSocket socket;
    private HttpServer page;

    public synchronized FakeHaproxy add(String backend, String name, String address) {
        servers.put(backend + "/" + name, new Server(backend, name, address));
        return this;
    }

    public synchronized Server server(String id) {
        return servers.get(id);
    }

    /** Serves the runtime API on {@code dir/admin.sock}; returns its {@code --lb} URL. */
    public String socket(Path dir) throws IOException {
        socket = new FakeSocket(dir, this::command);
        return "unix://" + socket.path;
    }

    /** Serves the stats page on loopback; returns its URL, without credentials. */
    public URI page() throws IOException {
        page = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        page.createContext("/", this::answer);
        page.start();
        return URI.create("http://127.0.0.1:" + page.getAddress().getPort() + "/haproxy?stats");
    }

    private synchronized String command(String command) {
        if (command.equals("show stat")) {
            return csv();
        }
        String[] words = command.split(" ");
        if (words.length == 5 && words[0].equals("set") && words[1].equals("server") && words[3].equals("state")) {
            return order(words[2], words[4]) ? "\n" : "No such server.\n\n";
        }
        return "Unknown command.\n";
    }

    private synchronized boolean order(String id, String state) {
        Server server = servers.get(id);
        if (server == null) {
            return false;
        }
        orders.add(state + " " + id);
        if (state.equals("drain")) {
            server.status = "DRAIN";
            if (!server.holdSessions) {
                server.sessions = 0;
            }
        } else {
            server.status = readsUntilUp == 0 ? "UP" : "DOWN";
            server.readsLeft = readsUntilUp;
        }
        return true;
    }

    private synchronized String csv() {
        StringBuilder csv = new StringBuilder("# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,check_status,addr,\n");
        for (Server server : servers.values()) {
            if (server.readsLeft > 0 && --server.readsLeft == 0) {
                server.status = "UP";
            }
            csv.append(server.backend).append(',').append(server.name).append(",0,0,").append(server.sessions)
                    .append(",0,,0,").append(server.status).append(',')
                    .append(server.status.equals("UP") ? "L7OK" : "L4CON").append(',').append(server.address)
                    .append(",\n");
        }
        return csv.append("app,BACKEND,0,0,0,0,,0,UP,,,\n").toString();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String expected = "Basic " + Base64.getEncoder()
                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (exchange.getRequestMethod().equals("POST")) {
                Map<String, List<String>> form = form(new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                boolean done = true;
                for (String server : form.getOrDefault("s", List.of())) {
                    done &= order(form.get("b").get(0) + "/" + server, form.get("action").get(0));
                }
                exchange.getResponseHeaders().set("Location", "/haproxy?stats;st=" + (done ? "DONE" : "ERRP"));
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            byte[] body = csv().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, List<String>> form(String body) {
        Map<String, List<String>> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            form.computeIfAbsent(pair.substring(0, equals), k -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** The load balancer goes away: its socket and page stop answering. */
    public void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (page != null) {
            page.stop(0);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
