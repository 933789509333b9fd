package dev.zdd.platform.tutum;

import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * The proxy settings users expect from curl and Go tools: {@code https_proxy}/{@code HTTPS_PROXY} for https URLs,
 * {@code http_proxy}/{@code HTTP_PROXY} for http ones (lowercase first, as curl reads them), and
 * {@code no_proxy}/{@code NO_PROXY}: {@code *}, or host names that also cover their subdomains (a leading
 * {@code .} or {@code *.} is ignored) and IP literals, each optionally with {@code :port}. OkHttp reads none of
 * these itself. A proxy's {@code user:password} is answered to its 407 challenge and never logged.
 */
final class ProxyEnvironment extends ProxySelector implements Authenticator {

    /** What a proxy URL without a port means to curl. */
    private static final int DEFAULT_PROXY_PORT = 1080;

    private final Entry https;
    private final Entry http;
    private final List<String> noProxy;

    private ProxyEnvironment(Entry https, Entry http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /** Reads the variables; a proxy URL that can't be used is a CONFIGURATION failure naming the variable. */
    static ProxyEnvironment from(Map<String, String> env) {
        String noProxy = first(env, "no_proxy", "NO_PROXY");
        List<String> exclusions = noProxy == null ? List.of() : Arrays.stream(noProxy.split("[,\\s]+"))
                .map(entry -> entry.strip().toLowerCase(Locale.ROOT))
                .map(entry -> entry.startsWith("*.") ? entry.substring(2) : entry)
                .map(entry -> entry.startsWith(".") ? entry.substring(1) : entry)
                .filter(entry -> !entry.isEmpty())
                .toList();
        return new ProxyEnvironment(entry(env, "https_proxy", "HTTPS_PROXY"), entry(env, "http_proxy", "HTTP_PROXY"),
                exclusions);
    }

    /** The proxy that requests to {@code uri} go through, as {@code host:port} (never its credentials), or null. */
    String describe(URI uri) {
        Entry entry = entryFor(uri);
        return entry == null ? null : entry.display();
    }

    @Override
    public List<Proxy> select(URI uri) {
        Entry entry = entryFor(uri);
        return List.of(entry == null ? Proxy.NO_PROXY : entry.proxy());
    }

    private Entry entryFor(URI uri) {
        Entry entry = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return entry == null || excluded(uri) ? null : entry;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // One proxy per scheme: there is no other to fall back to, and the failure reaches the caller anyway.
    }

    /** Answers a proxy's 407 with its credentials, once; without credentials, the 407 stands. */
    @Override
    public Request authenticate(Route route, Response response) {
        Entry entry = route == null ? null : byAddress(route.proxy().address());
        if (entry == null || entry.authorization() == null
            || response.request().header("Proxy-Authorization") != null) {
            return null;
        }
        return response.request().newBuilder().header("Proxy-Authorization", entry.authorization()).build();
    }

    private Entry byAddress(SocketAddress address) {
        for (Entry entry : new Entry[] {https, http}) {
            if (entry != null && entry.proxy().address().equals(address)) {
                return entry;
            }
        }
        return null;
    }

    private boolean excluded(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int colon = entry.lastIndexOf(':');
            // host:port, but not a bare IPv6 address (which has colons of its own and no port).
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
                if (Integer.parseInt(entry.substring(colon + 1)) != port) {
                    continue;
                }
                name = entry.substring(0, colon);
            }
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (host.equals(name) || host.endsWith("." + name)) {
                return true;
            }
        }
        return false;
    }

    private static Entry entry(Map<String, String> env, String lower, String upper) {
        String value = first(env, lower, upper);
        if (value == null) {
            return null;
        }
        String variable = env.get(lower) != null && !env.get(lower).isBlank() ? lower : upper;
        // Never the value in a message: it may carry a password.
        String problem = variable + " is not a proxy URL such as http://proxy.example:3128";
        try {
            URI uri = new URI(value.contains("://") ? value.strip() : "http://" + value.strip());
            if (!"http".equalsIgnoreCase(uri.getScheme())) {
                throw PlatformException.configuration(variable + ": only http:// proxies are supported");
            }
            if (uri.getHost() == null) {
                throw PlatformException.configuration(problem);
            }
            int port = uri.getPort() == -1 ? DEFAULT_PROXY_PORT : uri.getPort();
            Proxy proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
            return new Entry(proxy, uri.getHost() + ":" + port, authorization(uri.getRawUserInfo()));
        } catch (URISyntaxException e) {
            throw PlatformException.configuration(problem);
        }
    }

    private static String authorization(String rawUserInfo) {
        if (rawUserInfo == null) {
            return null;
        }
        int colon = rawUserInfo.indexOf(':');
        String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
        String password = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
        return Credentials.basic(URLDecoder.decode(user, StandardCharsets.UTF_8),
                URLDecoder.decode(password, StandardCharsets.UTF_8));
    }

    private static String first(Map<String, String> env, String lower, String upper) {
        for (String name : List.of(lower, upper)) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** A proxy, how to name it in diagnostics, and its {@code Proxy-Authorization} value or null. */
    private record Entry(Proxy proxy, String display, String authorization) {
    }
}
