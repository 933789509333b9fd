package dev.zdd.platform.tutum;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;

/**
 * Keeps cookies in memory for the life of one platform object, as the Docker Cloud SDKs kept theirs across calls
 * (a session in Python, a cookie jar in Go). Nothing is written to disk.
 */
final class MemoryCookieJar implements CookieJar {

    private final Clock clock;
    private final List<Cookie> cookies = new ArrayList<>();

    MemoryCookieJar(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void saveFromResponse(HttpUrl url, List<Cookie> received) {
        for (Cookie cookie : received) {
            cookies.removeIf(old -> old.name().equals(cookie.name()) && old.domain().equals(cookie.domain())
                                    && old.path().equals(cookie.path()));
            cookies.add(cookie);
        }
    }

    @Override
    public synchronized List<Cookie> loadForRequest(HttpUrl url) {
        long now = clock.millis();
        cookies.removeIf(cookie -> cookie.expiresAt() <= now);
        return cookies.stream().filter(cookie -> cookie.matches(url)).toList();
    }
}
