package dev.zdd.sandbox;

import com.sun.net.httpserver.HttpExchange;
import dev.zdd.sandbox.LoadBalancer.Member;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load balancer's stats page, as HAProxy 2.6 serves one with {@code stats uri /haproxy?stats},
 * {@code stats auth}, {@code stats admin if TRUE} and {@code stats show-legends}: {@code GET /haproxy?stats;csv}
 * answers HAProxy's CSV with all of its columns, in its order (so that a client that reads columns by position works
 * too), those the sandbox knows filled in: {@code pxname}, {@code svname}, {@code scur}, {@code smax},
 * {@code stot}, {@code status}, {@code weight}, {@code check_status}, {@code check_rise}, {@code check_fall},
 * {@code addr} and a few more. A form {@code POST /haproxy?stats} with {@code b=BACKEND}, one or more
 * {@code s=SERVER} and {@code action=drain|ready} steers servers and answers {@code 303 See Other} to
 * {@code /haproxy?stats;st=DONE}, or {@code ;st=ERRP} for an unknown backend, server or action, as HAProxy does.
 * Every request needs the sandbox's credentials (Basic {@code user:apikey}), as {@code stats auth} would.
 */
final class StatsPage {

    static final String PATH = "/haproxy";
    static final String QUERY = "stats";
    /** The one backend, which holds every container, and the frontend in front of it. */
    static final String BACKEND = "app";
    static final String FRONTEND = "lb";
    /** HAProxy 2.6's columns, in its order. */
    static final List<String> COLUMNS = List.of((
            "pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,"
            + "status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,"
            + "tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,"
            + "hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,"
            + "comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,"
            + "agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,"
            + "agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,"
            + "intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,"
            + "ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,"
            + "uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,"
            + "ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,"
            + "h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,"
            + "h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,"
            + "h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,"
            + "h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,"
            + "h1_spliced_bytes_out").split(","));

    private final LoadBalancer balancer;
    private final byte[] credentials;

    StatsPage(LoadBalancer balancer, String credentials) {
        this.balancer = balancer;
        this.credentials = ("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String given = exchange.getRequestHeaders().getFirst("Authorization");
            if (given == null || !MessageDigest.isEqual(credentials, given.getBytes(StandardCharsets.UTF_8))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"HAProxy Statistics\"");
                LoadBalancer.answer(exchange, 401, "text/plain", text("401 Unauthorized\n"), null, false);
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            String method = exchange.getRequestMethod();
            if (method.equals("POST")) {
                String outcome = order(new String(exchange.getRequestBody().readNBytes(64 * 1024),
                        StandardCharsets.UTF_8));
                exchange.getResponseHeaders().set("Location", PATH + "?" + QUERY + ";st=" + outcome);
                LoadBalancer.answer(exchange, 303, null, new byte[0], null, false);
            } else if (method.equals("GET") || method.equals("HEAD")) {
                boolean csv = query.contains(";csv");
                LoadBalancer.answer(exchange, 200, csv ? "text/plain" : "text/plain; charset=utf-8",
                        text(csv ? csv() : table()), null, method.equals("HEAD"));
            } else {
                LoadBalancer.answer(exchange, 405, "text/plain", text("405 Method Not Allowed\n"), null, false);
            }
        }
    }

    /** Carries out a stats admin form; returns HAProxy's outcome code. */
    private String order(String form) {
        Map<String, List<String>> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                fields.computeIfAbsent(pair.substring(0, equals), k -> new ArrayList<>())
                        .add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        String backend = first(fields, "b");
        String action = first(fields, "action");
        List<String> servers = fields.getOrDefault("s", List.of());
        boolean known = backend != null && (backend.equals(BACKEND) || backend.equals("#2"));
        if (!known || servers.isEmpty() || !("drain".equals(action) || "ready".equals(action))) {
            return "ERRP";
        }
        int done = 0;
        for (String server : servers) {
            if (balancer.order(server, action.equals("drain"))) {
                done++;
            }
        }
        return done == servers.size() ? "DONE" : done == 0 ? "ERRP" : "PART";
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** HAProxy's CSV: the header, the frontend, each server, the backend. */
    String csv() {
        return balancer.withMembers(members -> {
            StringBuilder csv = new StringBuilder("# ").append(String.join(",", COLUMNS)).append(",\n");
            int sessions = members.stream().mapToInt(m -> m.sessions).sum();
            long total = members.stream().mapToLong(m -> m.totalSessions).sum();
            Map<String, String> frontend = new LinkedHashMap<>();
            frontend.put("pxname", FRONTEND);
            frontend.put("svname", "FRONTEND");
            frontend.put("scur", String.valueOf(sessions));
            frontend.put("stot", String.valueOf(total));
            frontend.put("status", "OPEN");
            frontend.put("pid", "1");
            frontend.put("iid", "1");
            frontend.put("sid", "0");
            frontend.put("type", "0");
            frontend.put("mode", "http");
            csv.append(row(frontend));
            int sid = 0;
            boolean anyUp = false;
            for (Member member : members) {
                String status = balancer.status(member);
                anyUp |= member.up && !member.drained;
                Map<String, String> server = new LinkedHashMap<>();
                server.put("pxname", BACKEND);
                server.put("svname", member.backend.name());
                server.put("qcur", "0");
                server.put("qmax", "0");
                server.put("scur", String.valueOf(member.sessions));
                server.put("smax", String.valueOf(member.maxSessions));
                server.put("stot", String.valueOf(member.totalSessions));
                server.put("status", status);
                server.put("weight", member.drained ? "0" : "1");
                server.put("act", "1");
                server.put("bck", "0");
                server.put("pid", "1");
                server.put("iid", "2");
                server.put("sid", String.valueOf(++sid));
                server.put("type", "2");
                server.put("check_status", member.lastCheck);
                server.put("check_rise", String.valueOf(balancer.healthCheck().rise()));
                server.put("check_fall", String.valueOf(balancer.healthCheck().fall()));
                server.put("addr", "127.0.0.1:" + member.backend.port());
                server.put("mode", "http");
                csv.append(row(server));
            }
            Map<String, String> backend = new LinkedHashMap<>();
            backend.put("pxname", BACKEND);
            backend.put("svname", "BACKEND");
            backend.put("scur", String.valueOf(sessions));
            backend.put("stot", String.valueOf(total));
            backend.put("status", anyUp ? "UP" : "DOWN");
            backend.put("pid", "1");
            backend.put("iid", "2");
            backend.put("sid", "0");
            backend.put("type", "1");
            backend.put("mode", "http");
            backend.put("algo", "roundrobin");
            csv.append(row(backend));
            return csv.toString();
        });
    }

    /** The page without {@code ;csv}: a plain table for people. */
    private String table() {
        return balancer.withMembers(members -> {
            StringBuilder page = new StringBuilder("zdd sandbox load balancer: " + QUERY + " (append ;csv for"
                                                   + " HAProxy's CSV)\n");
            for (Member member : members) {
                page.append(String.format("%s/%-12s %-9s %3d sessions  127.0.0.1:%d%n", BACKEND,
                        member.backend.name(), balancer.status(member), member.sessions, member.backend.port()));
            }
            return page.toString();
        });
    }

    private static String row(Map<String, String> values) {
        StringBuilder line = new StringBuilder();
        for (String column : COLUMNS) {
            line.append(values.getOrDefault(column, "")).append(',');
        }
        return line.append('\n').toString();
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
