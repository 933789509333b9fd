package dev.zdd.platform;

/**
 * The platform could not be used for one request. Carries facts (method, path, status), never an exit code;
 * the command line decides what a failure means to the user.
 */
public class PlatformException extends RuntimeException {

    /** The three ways a call fails, kept apart because each calls for a different remedy. */
    public enum Kind {
        /** The server answered with an error status. */
        STATUS,
        /** No usable answer: connection refused or reset, timeout, TLS failure. */
        TRANSPORT,
        /** An answer came but could not be read: not JSON, truncated, the wrong shape. */
        DECODE,
        /** No credentials, or credentials that can't be read: nothing was sent. */
        CREDENTIALS,
        /** The request was refused before it was sent (bad configuration, such as plain http to a remote host). */
        CONFIGURATION
    }

    private final Kind kind;
    private final String method;
    private final String path;
    private final int status;
    private final boolean deadline;

    public PlatformException(Kind kind, String method, String path, int status, String message, Throwable cause) {
        this(kind, method, path, status, message, cause, false);
    }

    private PlatformException(Kind kind, String method, String path, int status, String message, Throwable cause,
                              boolean deadline) {
        super(message, cause);
        this.kind = kind;
        this.method = method;
        this.path = path;
        this.status = status;
        this.deadline = deadline;
    }

    /** The same failure, marked as one that the deadline ended: a retry that would have come was not made. */
    public PlatformException cutByDeadline() {
        return new PlatformException(kind, method, path, status, getMessage(), getCause(), true);
    }

    /** A copy with another message, keeping every fact (kind, request, status, deadline) and the cause. */
    public PlatformException withMessage(String message) {
        return new PlatformException(kind, method, path, status, message, getCause(), deadline);
    }

    public static PlatformException status(String method, String path, int status, String message) {
        return new PlatformException(Kind.STATUS, method, path, status, message, null);
    }

    public static PlatformException transport(String method, String path, String message, Throwable cause) {
        return new PlatformException(Kind.TRANSPORT, method, path, 0, message, cause);
    }

    /**
     * The deadline given to {@link Platform#callsUntil} cut this call short, or passed before it could start: a
     * TRANSPORT failure that {@link #isDeadline()} tells apart, so that the engine reports it as a timeout.
     */
    public static PlatformException deadline(String method, String path, String message, Throwable cause) {
        return new PlatformException(Kind.TRANSPORT, method, path, 0, message, cause, true);
    }

    public static PlatformException decode(String method, String path, int status, String message, Throwable cause) {
        return new PlatformException(Kind.DECODE, method, path, status, message, cause);
    }

    public static PlatformException credentials(String message) {
        return new PlatformException(Kind.CREDENTIALS, null, null, 0, message, null);
    }

    public static PlatformException configuration(String message) {
        return new PlatformException(Kind.CONFIGURATION, null, null, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP method, or null. */
    public String method() {
        return method;
    }

    /** The request path, or null. */
    public String path() {
        return path;
    }

    /** The HTTP status, or 0 when there was none. */
    public int status() {
        return status;
    }

    /** The deadline set with {@link Platform#callsUntil} ended this call (or kept it from starting). */
    public boolean isDeadline() {
        return deadline;
    }

    public boolean isNotFound() {
        return kind == Kind.STATUS && status == 404;
    }

    public boolean isAuthentication() {
        return kind == Kind.STATUS && (status == 401 || status == 403);
    }
}
