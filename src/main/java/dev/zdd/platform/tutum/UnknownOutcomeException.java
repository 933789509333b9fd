package dev.zdd.platform.tutum;

import dev.zdd.platform.PlatformException;

/**
 * A POST went out and no answer says what became of it (the connection dropped, the call timed out, a gateway
 * answered 5xx): the server may have acted on it. Whoever sent it looks before sending it again. Should it escape,
 * it is an ordinary failure of the kind and status it wraps.
 */
final class UnknownOutcomeException extends PlatformException {

    UnknownOutcomeException(PlatformException failure) {
        super(failure.kind(), failure.method(), failure.path(), failure.status(), failure.getMessage(),
                failure.getCause());
    }
}
