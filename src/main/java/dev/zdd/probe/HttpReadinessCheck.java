package dev.zdd.probe;

import dev.zdd.rollout.ReadinessCheck;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Readiness over HTTP: GET the URL until it answers 2xx the wanted number of times in a row. A non-2xx answer,
 * a refused connection or a slow answer starts the count again, since a warming application flaps.
 */
public final class HttpReadinessCheck implements ReadinessCheck {

    /** HAProxy's `check inter 500` rhythm: quick enough to notice readiness, gentle on a booting app. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;

    public HttpReadinessCheck(Clock clock, Sleeper sleeper, Duration interval) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(ATTEMPT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.clock = clock;
        this.sleeper = sleeper;
        this.interval = interval;
    }

    @Override
    public String await(URI url, int successes, Instant deadline) throws InterruptedException {
        int inARow = 0;
        String last = "no answer yet";
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return last;
            }
            String failure = attempt(url, left.compareTo(ATTEMPT_TIMEOUT) < 0 ? left : ATTEMPT_TIMEOUT);
            if (failure == null) {
                inARow++;
                if (inARow >= successes) {
                    return null;
                }
            } else {
                inARow = 0;
                last = failure;
            }
            Duration wait = Duration.between(clock.instant(), deadline);
            sleeper.sleep(wait.compareTo(interval) < 0 ? wait : interval);
        }
    }

    /** One GET: null when it answered 2xx, else what went wrong. */
    private String attempt(URI url, Duration timeout) throws InterruptedException {
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
