package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.pathOf;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.zdd.Version;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.net.ssl.SSLException;
import okhttp3.CookieJar;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The HTTP side of the API: one client and one mapper, the headers every request carries, and the mapping of
 * every failure onto the three kinds of {@link PlatformException}. Every request goes through {@link #execute}.
 */
final class TutumHttp {

    /** Far more than any page of 25 objects; a body beyond it is not an API answer. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    /** Enough for {@code {"error": "..."}}; an error page beyond it is not read further. */
    private static final long MAX_ERROR_BODY_BYTES = 64L * 1024;
    private static final int MAX_ERROR_TEXT = 200;
    private static final MediaType JSON = MediaType.get("application/json");
    // From bytes, so that OkHttp sends the media type as given, without a "; charset=utf-8" suffix.
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final OkHttpClient client;
    private final ObjectMapper mapper;
    private final String authorization;
    private final String apiUrl;

    TutumHttp(TutumConfig config, String apiUrlForMessages) {
        this.authorization = config.authorization();
        this.apiUrl = apiUrlForMessages;
        this.client = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .callTimeout(config.callTimeout())
                // The Docker Cloud SDKs kept a cookie session across calls; Tutum used none.
                .cookieJar(config.flavor() == TutumConfig.Flavor.DOCKERCLOUD
                        ? new MemoryCookieJar(Clock.systemUTC()) : CookieJar.NO_COOKIES)
                .addInterceptor(new HttpTrace())
                .build();
        this.mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
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

    /** POSTs {@code {}} and returns the answer's headers, which name the action the POST started. */
    Headers post(HttpUrl url) {
        return execute(request(url).post(RequestBody.create(EMPTY_OBJECT, JSON)).build()).headers();
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

    /** The one place a request is sent (and where retries will go). */
    private Reply execute(Request request) {
        String method = request.method();
        String path = pathOf(request.url());
        try (Response response = client.newCall(request).execute()) {
            BufferedSource source = response.body().source();
            if (!response.isSuccessful()) {
                throw PlatformException.status(method, path, response.code(),
                        statusMessage(method, path, response.code(), errorBody(source)));
            }
            // request(n) buffers up to n bytes and says whether there were that many.
            if (source.request(MAX_BODY_BYTES + 1)) {
                throw PlatformException.decode(method, path, response.code(), method + " " + path + " answered "
                        + response.code() + " with a body larger than " + MAX_BODY_BYTES / 1024 / 1024 + " MiB",
                        null);
            }
            return new Reply(method, path, response.code(), response.headers(), source.getBuffer().readByteArray());
        } catch (IOException e) {
            throw PlatformException.transport(method, path, method + " " + path + " failed: " + describe(e)
                    + "; check the API URL (" + apiUrl + ") and the network", e);
        }
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
    private String statusMessage(String method, String path, int status, byte[] body) {
        StringBuilder message = new StringBuilder(method).append(' ').append(path).append(" answered ").append(status);
        String reason = reason(status);
        if (!reason.isEmpty()) {
            message.append(' ').append(reason);
        }
        if (body.length > 0) {
            try {
                JsonNode error = mapper.readTree(body).path("error");
                if (error.isValueNode() && !error.asText().isBlank()) {
                    message.append(": ").append(oneLine(error.asText()));
                }
            } catch (IOException e) {
                // From a byte array, only a body that isn't JSON fails.
                message.append(" (not JSON)");
            }
        }
        switch (status) {
            case 401 -> message.append("; check the user and API key (or the Authorization value given)");
            case 403 -> message.append("; the account has no permission for this (or is over a quota)");
            default -> {
            }
        }
        return message.toString();
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

    /** An answer, read and closed. */
    private record Reply(String method, String path, int status, Headers headers, byte[] body) {
    }
}
