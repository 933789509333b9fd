package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancerException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy's stats page ({@code stats uri}, with {@code stats admin} for the orders): the page's URL + {@code ;csv}
 * reads the servers (the {@code addr} column only with {@code stats show-legends}); a form POST to the page with
 * {@code s=SERVER&action=drain|ready&b=BACKEND} steers one, answered {@code 303 See Other} to the page with
 * {@code ;st=DONE} when done, or another code that says why not. Basic credentials, when given, go with every
 * request and never into a message. Redirects are not followed; TLS certificates are verified.
 */
public final class HaproxyStatsPage implements LoadBalancer {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern STATUS = Pattern.compile(";st=([A-Z]+)");
    /** What HAProxy's {@code st=} codes mean, in its own terms. */
    private static final Map<String, String> OUTCOMES = Map.of(
            "PART", "HAProxy did only part of it",
            "NONE", "HAProxy had nothing to do (no such server?)",
            "ERRP", "HAProxy refused the parameters (no such backend or server?)",
            "EXCD", "the request was too large for HAProxy",
            "DENY", "the stats page takes no orders: it needs 'stats admin if ...' (and credentials that the"
                    + " condition admits)",
            "UNKN", "HAProxy gave an unexpected error");

    private final URI page;
    private final String authorization;
    private final HttpClient client;

    /**
     * @param page        the stats page, without credentials
     * @param credentials {@code user:password}, or null for none
     */
    public HaproxyStatsPage(URI page, String credentials) {
        this.page = page;
        this.authorization = credentials == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String describe() {
        return page.toString();
    }

    @Override
    public List<Server> servers() {
        HttpResponse<String> response = send(request(csv()).GET(), "GET");
        if (response.statusCode() != 200) {
            throw refused("GET", response);
        }
        return StatsCsv.parse(response.body(), describe());
    }

    @Override
    public void set(String backend, String server, Admin state) {
        String form = "s=" + encode(Names.checked(server, describe())) + "&action=" + state.word() + "&b="
                      + encode(Names.checked(backend, describe()));
        HttpResponse<String> response = send(request(page)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), "POST");
        String what = "'" + state.word() + "' for " + backend + "/" + server;
        if (response.statusCode() != 303) {
            throw refused("POST " + what, response);
        }
        String location = response.headers().firstValue("Location").orElse("");
        Matcher status = STATUS.matcher(location);
        String code = status.find() ? status.group(1) : null;
        if (!"DONE".equals(code)) {
            throw new LoadBalancerException(describe() + ": " + what + " was not done: "
                                            + (code == null ? "HAProxy's answer names no outcome"
                    : OUTCOMES.getOrDefault(code, "HAProxy answered " + code)));
        }
    }

    private URI csv() {
        try {
            return new URI(page + ";csv");
        } catch (URISyntaxException e) {
            throw new LoadBalancerException(describe() + ": no CSV address can be made from it", e);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("User-Agent", "zdd");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String method) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadBalancerException(describe() + ": interrupted during " + method, e);
        } catch (HttpConnectTimeoutException e) {
            throw new LoadBalancerException(describe() + ": no connection within " + CONNECT_TIMEOUT.toSeconds()
                                            + "s", e);
        } catch (HttpTimeoutException e) {
            throw new LoadBalancerException(describe() + ": no answer to " + method + " within "
                                            + TIMEOUT.toSeconds() + "s", e);
        } catch (ConnectException e) {
            throw new LoadBalancerException(describe() + ": connection refused (is HAProxy's stats page there?)", e);
        } catch (IOException e) {
            throw new LoadBalancerException(describe() + ": " + method + " failed: " + e, e);
        }
    }

    private LoadBalancerException refused(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        String why = switch (status) {
            case 401, 407 -> "the stats page refused the credentials (ZDD_LB_AUTH, or user:password in the URL)";
            case 403 -> "the stats page forbids it";
            case 404 -> "no stats page at this address";
            default -> "not what HAProxy's stats page answers";
        };
        return new LoadBalancerException(describe() + ": " + what + " answered HTTP " + status + ": " + why);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
