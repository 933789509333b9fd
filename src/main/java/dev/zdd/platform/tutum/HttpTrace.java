package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.pathOf;

import dev.zdd.log.Loggers;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * Traces each request and its answer at DEBUG (what {@code -vv} shows) on the logger {@code dev.zdd.http}: method
 * and path, never the host's credentials, and the request headers with every secret one masked.
 */
final class HttpTrace implements Interceptor {

    private static final Logger LOG = Loggers.get("dev.zdd.http");
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    @Override
    public Response intercept(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        if (!LOG.isDebugEnabled()) {
            return chain.proceed(request);
        }
        String line = request.method() + " " + pathOf(request.url());
        LOG.debug("--> {}", line);
        Headers headers = request.headers();
        for (int i = 0; i < headers.size(); i++) {
            boolean secret = SECRET_HEADERS.contains(headers.name(i).toLowerCase(Locale.ROOT));
            LOG.debug("    {}: {}", headers.name(i), secret ? "***" : headers.value(i));
        }
        // Elapsed time for the trace only; nothing decides on it, so the system's monotonic clock will do.
        long start = System.nanoTime();
        try {
            Response response = chain.proceed(request);
            LOG.debug("<-- {} {} ({} ms)", response.code(), line, millisSince(start));
            return response;
        } catch (IOException e) {
            LOG.debug("<-- failed {} ({} ms): {}", line, millisSince(start), e.toString());
            throw e;
        }
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
