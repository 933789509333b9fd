package dev.zdd.rollout;

import java.util.List;

/**
 * The load balancers refused the run before anything was touched: one could not be read, a target has no server
 * in them, or a server is already out of rotation. Exit 4, as any preflight refusal; the message says what zdd
 * looked for and what to do.
 */
public class LbPreflightException extends PreflightException {

    LbPreflightException(List<Refusal> refusals) {
        super(refusals);
    }

    LbPreflightException(String message) {
        super(message);
    }
}
