package dev.zdd.sandbox;

/** A request the sandbox's API refuses: the status and the message of Tutum's {@code {"error": ...}} body. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String allow;

    ApiException(int status, String message) {
        this(status, message, null);
    }

    /** @param allow for a 405, the methods allowed instead (the {@code Allow} header) */
    ApiException(int status, String message, String allow) {
        super(message);
        this.status = status;
        this.allow = allow;
    }

    static ApiException notFound(String what) {
        return new ApiException(404, what + " not found");
    }

    int status() {
        return status;
    }

    String allow() {
        return allow;
    }
}
