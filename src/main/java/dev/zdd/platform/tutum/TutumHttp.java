package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.pathOf;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.zdd.Version;
import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.SecretForms;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.CookieJar;
import okhttp3.EventListener;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;

/**
 * The HTTP side of the API: one client and one mapper, the headers every request carries, the mapping of every
 * failure onto the three kinds of {@link PlatformException}, and retries. Every request goes through
 * {@link #execute}, which sends a GET again after a transient fault (connection failure, timeout, 429, 500, 502,
 * 503, 504), waiting with exponential backoff and full jitter or as {@code Retry-After} says. A POST is sent again
 * only when it demonstrably never reached the server (the connection was never made, or a 429 refused it); when
 * its outcome is unknown, {@link UnknownOutcomeException} tells the caller to look before it sends again.
 */
final class TutumHttp {

    private static final Logger LOG = Loggers.get(TutumHttp.class);
    /** Far more than any page of 25 objects; a body beyond it is not an API answer. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    /** Enough for {@code {"error": "..."}}; an error page beyond it is not read further. */
    private static final long MAX_ERROR_BODY_BYTES = 64L * 1024;
    private static final int MAX_ERROR_TEXT = 200;
    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(429, 500, 502, 503, 504);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 5;
    /**
     * The threads that run the calls, daemons so that none keeps zdd alive; one at a time is the rule (the engine
     * is one thread), so idle ones die soon.
     */
    private static final ExecutorService CALLS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "zdd-http");
                thread.setDaemon(true);
                return thread;
            });
    // From bytes, so that OkHttp sends the media type as given, without a "; charset=utf-8" suffix.
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    /** One for every client of the process: configured once, its readers built once. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private final OkHttpClient client;
    private final ObjectMapper mapper;
    private final String authorization;
    private final String apiUrl;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Duration callTimeout;
    /** The forms of the credentials, masked in any text from the server before it is cut to length. */
    private final Set<String> credentials;
    /** Nothing may happen after this: no request starts, no call or retry wait runs past it; null for none. */
    private volatile Instant deadline;

    TutumHttp(TutumConfig config, HttpUrl root, String apiUrlForMessages, Clock clock, Sleeper sleeper,
              RandomGenerator random) {
        this.authorization = config.authorization();
        this.apiUrl = apiUrlForMessages;
        this.retry = config.retry();
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.callTimeout = config.callTimeout();
        this.credentials = SecretForms.ofAuthorization(config.authorization());
        ProxyEnvironment proxies = ProxyEnvironment.from(config.environment());
        String proxy = proxies.describe(root.uri());
        if (proxy != null) {
            LOG.info("requests to {} go through the proxy {}", root.host(), proxy);
        }
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .callTimeout(config.callTimeout())
                // OkHttp would otherwise send a request again by itself after some connection failures, a POST
                // included: retries are decided here, where a redeploy is never repeated blindly.
                .retryOnConnectionFailure(false)
                // A redirect is followed here, where its origin is checked, never by OkHttp: an API that points
                // elsewhere must not get the request (nor its answer believed), whatever the status.
                .followRedirects(false)
                .followSslRedirects(false)
                // Calls run on these daemon threads while the caller waits interruptibly (see send): a
                // thread blocked in a socket read ignores interrupts, a cancelled call does not.
                .dispatcher(new Dispatcher(CALLS))
                .proxySelector(proxies)
                .proxyAuthenticator(proxies)
                .eventListenerFactory(SendTracker::of)
                // The Docker Cloud SDKs kept a cookie session across calls; Tutum used none.
                .cookieJar(config.flavor() == TutumConfig.Flavor.DOCKERCLOUD
                        ? new MemoryCookieJar(clock) : CookieJar.NO_COOKIES)
                .addInterceptor(new HttpTrace());
        Connections.tune(builder, root, config.streamUrl());
        if (config.caCert() != null) {
            CaCertificates trust = CaCertificates.trustingAlso(config.caCert());
            builder.sslSocketFactory(trust.context().getSocketFactory(), trust.trustManager());
        }
        this.client = builder.build();
        this.mapper = MAPPER;
    }

    /** {@link dev.zdd.platform.Platform#callsUntil}: nothing past {@code deadline}, or no bound (null). */
    void callsUntil(Instant deadline) {
        this.deadline = deadline;
    }

    JavaType pageOf(Class<?> item) {
        return mapper.getTypeFactory().constructParametricType(ApiObjects.Page.class, item);
    }

    <T> T get(HttpUrl url, Class<T> type) {
        return get(url, mapper.constructType(type));
    }

    <T> T get(HttpUrl url, JavaType type) {
        return decode(execute(request(url).get().build()), type);
    }

    /**
     * POSTs {@code {}} and returns the answer's headers, which name the action the POST started. Throws
     * {@link UnknownOutcomeException} when the request went out but no answer says what became of it.
     */
    Headers post(HttpUrl url) {
        return execute(request(url).post(RequestBody.create(EMPTY_OBJECT, JSON)).build()).headers();
    }

    /**
     * PATCHes a JSON body (a service's new {@code image}) and returns the answer's headers. Setting a field to a
     * value is idempotent, so a PATCH whose answer was lost is sent again like a GET.
     */
    Headers patch(HttpUrl url, Object body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the PATCH body", e);
        }
        return execute(request(url).patch(RequestBody.create(json, JSON)).build()).headers();
    }

    /**
     * A client for the events stream: this one's proxies, trust, cookies, trace and refusal of redirects, but no
     * timeout on a quiet socket (pings find a dead one instead) and its own daemon threads, which {@code close}
     * ends.
     */
    OkHttpClient.Builder streamClient() {
        return client.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO);
    }

    /** The handshake of the events stream carries the same headers as every request. */
    Request streamRequest(HttpUrl url) {
        return request(url).get().build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder builder = new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .header("User-Agent", Version.userAgent());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    /** The one place a request is sent: tried until it succeeds, fails for good, or the budget runs out. */
    private Reply execute(Request request) {
        String method = request.method();
        String path = pathOf(request.url());
        boolean idempotent = method.equals("GET") || method.equals("PATCH");
        for (int attempt = 1; ; attempt++) {
            SendTracker tracker = new SendTracker();
            Failure failure;
            try {
                Reply reply = sendFollowing(request.newBuilder().tag(SendTracker.class, tracker).build());
                if (reply.isSuccessful()) {
                    return reply;
                }
                failure = statusFailure(reply, idempotent);
            } catch (CutShort cut) {
                throw cut.failure;
            } catch (IOException e) {
                if (isInterruption(e)) {
                    // Okio reports the interrupt by clearing the flag; whoever interrupted must still see it.
                    Thread.currentThread().interrupt();
                    throw PlatformException.transport(method, path, method + " " + path + " was interrupted", e);
                }
                failure = transportFailure(method, path, e, idempotent, tracker.sent);
            }
            if (failure.outcomeUnknown()) {
                throw new UnknownOutcomeException(failure.toException(method, path, ""));
            }
            if (!failure.retryable()) {
                throw failure.toException(method, path, "");
            }
            waitToRetry(method, path, failure, attempt);
        }
    }

    /**
     * Sends once and follows redirects within the API's own origin (scheme, host and port), as a browser
     * would, but never to another: such an answer is an error that names where it pointed, and nothing goes
     * there. A POST follows only 307 and 308, which keep the method; 301, 302 and 303 would turn it into a GET.
     */
    private Reply sendFollowing(Request request) throws IOException {
        Request current = request;
        for (int hop = 0; ; hop++) {
            Reply reply = send(current);
            if (!REDIRECTS.contains(reply.status()) || reply.headers().get("Location") == null) {
                return reply;
            }
            String method = reply.method();
            String path = reply.path();
            String location = reply.headers().get("Location");
            HttpUrl target = current.url().resolve(location.strip());
            String answered = method + " " + path + " answered " + reply.status();
            if (target == null) {
                throw new CutShort(PlatformException.status(method, path, reply.status(), answered
                        + " with a Location that is not a URL; zdd follows no such redirect"));
            }
            HttpUrl root = current.url().resolve("/");
            if (!sameOrigin(target, root)) {
                throw new CutShort(PlatformException.status(method, path, reply.status(), answered
                        + ", a redirect to another origin ("
                        + origin(target) + pathOf(target).replaceFirst("\\?.*", "") + "), which zdd does not follow"
                        + " with the credentials for " + apiUrl + "; check the API URL"));
            }
            boolean keepsMethod = reply.status() == 307 || reply.status() == 308;
            if (!method.equals("GET") && !keepsMethod) {
                throw new CutShort(PlatformException.status(method, path, reply.status(), answered
                        + ", a redirect that would turn the " + method + " into a GET; zdd does not follow it"));
            }
            if (hop >= MAX_REDIRECTS) {
                throw new CutShort(PlatformException.status(method, path, reply.status(), answered
                        + ": more than " + MAX_REDIRECTS + " redirects in a row"));
            }
            current = current.newBuilder().url(target).build();
        }
    }

    /** Naps before the next try, or throws the failure when there is to be none. */
    private void waitToRetry(String method, String path, Failure failure, int attempt) {
        if (attempt >= retry.maxAttempts()) {
            throw failure.toException(method, path, attempt == 1 ? "" : " (tried " + attempt + " times)");
        }
        Duration wait;
        if (failure.retryAfter() != null) {
            if (failure.retryAfter().compareTo(retry.maxRetryAfter()) > 0) {
                throw failure.toException(method, path, " and asked to wait " + seconds(failure.retryAfter())
                        + " before trying again, longer than zdd waits (" + seconds(retry.maxRetryAfter()) + ")");
            }
            wait = failure.retryAfter();
        } else {
            wait = Duration.ofMillis(random.nextLong(retry.ceiling(attempt).toMillis() + 1));
        }
        Instant deadline = this.deadline;
        if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
            throw failure.toException(method, path, " (tried " + attempt + (attempt == 1 ? " time" : " times")
                    + "; waiting " + seconds(wait) + " to try again would pass the deadline)").cutByDeadline();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw PlatformException.transport(method, path, method + " " + path + " was interrupted", null);
        }
        LOG.info("{} {} {}; trying again in {} (attempt {} of {})", method, path, failure.problem(), seconds(wait),
                attempt + 1, retry.maxAttempts());
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PlatformException.transport(method, path, method + " " + path
                    + " was interrupted while waiting to try again", e);
        }
    }

    /**
     * Sends once and reads the answer, whatever its status; throws only when no complete answer came. The call
     * runs on OkHttp's dispatcher while this thread waits for it, so that an interrupt cancels it at once
     * (a thread blocked in a socket read would not notice one). Its timeout covers the whole call, the body
     * included, and is cut to end at the deadline; a call the deadline cut, or that would start after it, is a
     * {@link CutShort}.
     */
    private Reply send(Request request) throws IOException {
        String method = request.method();
        String path = pathOf(request.url());
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
        }
        Duration timeout = callTimeout;
        boolean cut = false;
        Instant deadline = this.deadline;
        if (deadline != null) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new CutShort(PlatformException.deadline(method, path, method + " " + path
                        + " was not sent: the deadline had passed", null));
            }
            if (timeout.isZero() || left.compareTo(timeout) < 0) {
                timeout = left;
                cut = true;
            }
        }
        Call call = client.newCall(request);
        call.timeout().timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call done, Response response) {
                try (response) {
                    answer.complete(read(method, path, response));
                } catch (IOException | RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }
        });
        try {
            return answer.get();
        } catch (InterruptedException e) {
            call.cancel();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable failure = e.getCause();
            if (failure instanceof PlatformException platform) {
                throw new CutShort(platform);
            }
            if (cut && failure instanceof InterruptedIOException && !Thread.currentThread().isInterrupted()) {
                boolean sent = SendTracker.sent(request);
                throw new CutShort(PlatformException.deadline(method, path, method + " " + path + " was cut short by"
                        + " the deadline after " + seconds(timeout) + (method.equals("GET") || !sent ? ""
                        : ", with no answer: whether the platform acted on it is unknown"), failure));
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(failure);
        }
    }

    /** Reads an answer on the dispatcher's thread: a success's body whole (up to a limit), an error's start. */
    private static Reply read(String method, String path, Response response) throws IOException {
        BufferedSource source = response.body().source();
        if (!response.isSuccessful()) {
            return new Reply(method, path, response.code(), response.headers(), errorBody(source));
        }
        // request(n) buffers up to n bytes and says whether there were that many.
        if (source.request(MAX_BODY_BYTES + 1)) {
            throw PlatformException.decode(method, path, response.code(), method + " " + path + " answered "
                    + response.code() + " with a body larger than " + MAX_BODY_BYTES / 1024 / 1024 + " MiB",
                    null);
        }
        return new Reply(method, path, response.code(), response.headers(), source.getBuffer().readByteArray());
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && sameHost(a, b) && a.port() == b.port();
    }

    private static boolean sameHost(HttpUrl a, HttpUrl b) {
        return a.host().equals(b.host());
    }

    /** {@code scheme://host:port} of a URL, never its credentials. */
    static String origin(HttpUrl url) {
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return url.scheme() + "://" + host + ":" + url.port();
    }

    private Failure statusFailure(Reply reply, boolean idempotent) {
        int status = reply.status();
        boolean isTransient = TRANSIENT_STATUSES.contains(status);
        // A throttled request was refused before it was acted on; a 5xx may come after the work was done.
        boolean unknown = !idempotent && isTransient && status != 429;
        Duration retryAfter = status == 429 || status == 503 ? retryAfter(reply.headers()) : null;
        return new Failure(PlatformException.Kind.STATUS, status, statusProblem(status, reply.body()),
                statusHint(reply.method(), status), null, isTransient, unknown, retryAfter);
    }

    private Failure transportFailure(String method, String path, IOException e, boolean idempotent, boolean sent) {
        // Fixing a name that does not resolve or a certificate that is not trusted takes a person, not time.
        boolean isTransient = !(e instanceof UnknownHostException) && !(e instanceof SSLException);
        String hint = e instanceof SSLException
                ? "; check the API URL (" + apiUrl + ") and its certificate (--ca-cert FILE trusts a private CA)"
                : "; check the API URL (" + apiUrl + ") and the network";
        return new Failure(PlatformException.Kind.TRANSPORT, 0, "failed: " + describe(e), hint, e, isTransient,
                !idempotent && sent && isTransient, null);
    }

    /**
     * {@code Retry-After} in seconds or as an HTTP date (RFC 9110), as a wait from now; null when absent or
     * unreadable, so that the backoff applies instead.
     */
    private Duration retryAfter(Headers headers) {
        String value = headers.get("Retry-After");
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        try {
            if (text.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            Duration until = Duration.between(clock.instant(),
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }

    /** An interrupt, told apart from a timeout: OkHttp reports both as an {@link InterruptedIOException}. */
    private static boolean isInterruption(IOException e) {
        return Thread.currentThread().isInterrupted() || e instanceof ClosedByInterruptException
               || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)
                   && "interrupted".equals(e.getMessage()));
    }

    private <T> T decode(Reply reply, JavaType type) {
        String prefix = reply.method() + " " + reply.path() + " answered " + reply.status();
        if (isBlank(reply.body())) {
            throw PlatformException.decode(reply.method(), reply.path(), reply.status(),
                    prefix + " with an empty body where JSON was expected", null);
        }
        try {
            T value = mapper.readValue(reply.body(), type);
            if (value == null) {
                throw PlatformException.decode(reply.method(), reply.path(), reply.status(),
                        prefix + " with JSON null where an object was expected", null);
            }
            return value;
        } catch (IOException e) {
            if (causedBy(e, JsonParseException.class)) {
                String mediaType = reply.headers().get("Content-Type");
                String contentType = mediaType == null ? "" : " (" + mediaType + ")";
                throw PlatformException.decode(reply.method(), reply.path(), reply.status(),
                        prefix + " with a body that is not JSON or is cut short" + contentType, e);
            }
            throw PlatformException.decode(reply.method(), reply.path(), reply.status(),
                    prefix + " with JSON of an unexpected shape" + where(e), e);
        }
    }

    /** Jackson wraps a parse failure met inside an object in a mapping exception. */
    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Where in the body the mapping failed, by field names only: the values could be anything. */
    private static String where(IOException e) {
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
        }
        // Our own checks (ApiObjects) say which field is missing; Jackson's other messages quote values.
        String problem = e instanceof ValueInstantiationException && e.getCause() != null
                ? ": " + e.getCause().getMessage() : "";
        return (path.isEmpty() ? "" : " at " + path) + problem;
    }

    /** Up to {@link #MAX_ERROR_BODY_BYTES} of an error answer; it only serves to find an error text. */
    private static byte[] errorBody(BufferedSource source) {
        try {
            source.request(MAX_ERROR_BODY_BYTES);
            return source.getBuffer().readByteArray(Math.min(source.getBuffer().size(), MAX_ERROR_BODY_BYTES));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** One line, whatever the body: the API's error text when it sent one, never the body itself. */
    private String statusProblem(int status, byte[] body) {
        StringBuilder problem = new StringBuilder("answered ").append(status);
        String reason = reason(status);
        if (!reason.isEmpty()) {
            problem.append(' ').append(reason);
        }
        if (body.length > 0) {
            try {
                JsonNode error = mapper.readTree(body).path("error");
                if (error.isValueNode() && !error.asText().isBlank()) {
                    // Masked before it is cut: a cut could leave a secret's start that no later mask knows.
                    problem.append(": ").append(oneLine(SecretForms.mask(error.asText(), credentials, "***")));
                }
            } catch (IOException e) {
                // From a byte array, only a body that isn't JSON fails.
                problem.append(" (not JSON)");
            }
        }
        return problem.toString();
    }

    /** What to do about a status, when zdd can tell. */
    private static String statusHint(String method, int status) {
        return switch (status) {
            case 401 -> "; check the user and API key (or the Authorization value given)";
            case 403 -> "; the account has no permission for this (or is over a quota)";
            case 400, 409 -> method.equals("POST")
                    ? "; it may be busy with another action: wait until it is Running, then run zdd again" : "";
            case 429, 500, 502, 503, 504 -> "; the API is overloaded or unavailable: try again later";
            default -> "";
        };
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_ERROR_TEXT ? line : line.substring(0, MAX_ERROR_TEXT) + "...";
    }

    /** Reason phrases of our own: HTTP/2 answers carry none, and a server's own could be anything. */
    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    private static String describe(IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
        if (e instanceof UnknownHostException) {
            return "unknown host (" + detail + ")";
        }
        if (e instanceof SSLException) {
            return "TLS failed (" + detail + ")";
        }
        if (e instanceof InterruptedIOException) {
            return "timed out or interrupted (" + detail + ")";
        }
        return detail;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** An answer, read and closed: a success's body, or up to {@link #MAX_ERROR_BODY_BYTES} of an error's. */
    private record Reply(String method, String path, int status, Headers headers, byte[] body) {

        boolean isSuccessful() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * One failed try, and what may follow it.
     *
     * @param problem        what happened, after method and path: {@code answered 503 ...} or {@code failed: ...}
     * @param hint           what to do about it, starting with {@code "; "}, or empty
     * @param retryable      a later try may well succeed
     * @param outcomeUnknown a POST that may have been acted on: it must be looked up, not sent again
     * @param retryAfter     how long the server asked to wait, or null
     */
    private record Failure(PlatformException.Kind kind, int status, String problem, String hint, Throwable cause,
                           boolean retryable, boolean outcomeUnknown, Duration retryAfter) {

        PlatformException toException(String method, String path, String note) {
            return new PlatformException(kind, method, path, status, method + " " + path + " " + problem + note
                    + hint, cause);
        }
    }

    /** A failure that ends a request at once, whatever the retry policy: it is thrown as it is. */
    private static final class CutShort extends IOException {

        private final PlatformException failure;

        CutShort(PlatformException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }
    }

    /**
     * Notes whether a call got as far as sending its request: a failure before that cannot have reached the
     * server, so even a POST may be sent again.
     */
    private static final class SendTracker extends EventListener {

        private volatile boolean sent;

        static EventListener of(Call call) {
            SendTracker tracker = call.request().tag(SendTracker.class);
            return tracker == null ? EventListener.NONE : tracker;
        }

        @Override
        public void requestHeadersStart(Call call) {
            sent = true;
        }

        static boolean sent(Request request) {
            SendTracker tracker = request.tag(SendTracker.class);
            return tracker != null && tracker.sent;
        }
    }
}
