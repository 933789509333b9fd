package dev.zdd.probe;

import dev.zdd.rollout.ReadinessCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Readiness over HTTP: one GET per attempt; the engine asks again until the wanted number of 2xx answers in a row.
 * A non-2xx answer, a refused connection or a slow answer counts as a failed attempt.
 */
public final class HttpReadinessCheck implements ReadinessCheck {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client;
    private final Duration interval;

    public HttpReadinessCheck(Duration interval) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.interval = interval;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public String attempt(URI url, Duration timeout) throws InterruptedException {
        if (timeout.isZero() || timeout.isNegative()) {
            return "no time left for an attempt";
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("User-Agent", dev.zdd.Version.userAgent()).build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (HttpTimeoutException e) {
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }
}
