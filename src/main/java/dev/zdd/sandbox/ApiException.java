package dev.zdd.sandbox;

/** A request the sandbox's API refuses: the status and the message of Tutum's {@code {"error": ...}} body. */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException notFound(String what) {
        return new ApiException(404, what + " not found");
    }

    int status() {
        return status;
    }
}
