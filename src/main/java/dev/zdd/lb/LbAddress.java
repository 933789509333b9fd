package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a load balancer is, as {@code --lb} names it: {@code unix:///path/admin.sock} (HAProxy's runtime API) or
 * {@code http(s)://[user:password@]host:port/path} (its stats page). The credentials are kept apart from the
 * address, so that what is shown never holds them.
 *
 * @param socket      the admin socket, or null for a stats page
 * @param page        the stats page without credentials, or null for a socket
 * @param credentials {@code user:password} from the URL, or null
 */
public record LbAddress(Path socket, URI page, String credentials) {

    private static final Pattern LOOPBACK = Pattern.compile("localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1]");

    /**
     * Parses an {@code --lb} value; an {@link IllegalArgumentException} says what is wrong without repeating the
     * value's credentials.
     */
    public static LbAddress parse(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("unix")) {
            String path = uri.getPath();
            if (uri.getRawAuthority() != null || path == null || !path.startsWith("/") || path.endsWith("/")
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a socket is unix:///absolute/path/to/admin.sock");
            }
            return new LbAddress(Path.of(path), null, null);
        }
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a stats page's URL has no #fragment");
            }
            try {
                URI page = new URI(scheme, null, uri.getHost(), uri.getPort(),
                        uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath(), uri.getQuery(), null);
                return new LbAddress(null, page, uri.getUserInfo());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL");
            }
        }
        throw new IllegalArgumentException("not unix:///path/to/admin.sock or http(s)://host:port/path");
    }

    /** The address as messages show it: never with credentials. */
    public String describe() {
        return socket != null ? "unix://" + socket : page.toString();
    }

    /** Plain http to a host that is not a loopback address: credentials would cross the network readable. */
    public boolean isPlainHttpOffLoopback() {
        return page != null && page.getScheme().equals("http") && !LOOPBACK.matcher(page.getHost()).matches();
    }

    /** A client for it; {@code credentials} (e.g. ZDD_LB_AUTH) serve a stats page whose URL carries none. */
    public LoadBalancer open(String fallbackCredentials) {
        if (socket != null) {
            return new HaproxySocket(socket);
        }
        return new HaproxyStatsPage(page, credentials != null ? credentials : fallbackCredentials);
    }
}
