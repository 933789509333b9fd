package dev.zdd.rollout;

/**
 * A server that the run had drained when it ended before the server's own step set it ready (a failure, a
 * timeout, an interrupt), and what setting it ready again at the end gave.
 *
 * @param server  {@code backend/server}
 * @param lb      the load balancer, as {@link LoadBalancer#describe()} says it
 * @param failure why it could not be set ready (it is still drained), or null when it was
 */
public record LbRestoration(String server, String lb, String failure) {

    public boolean restored() {
        return failure == null;
    }
}
