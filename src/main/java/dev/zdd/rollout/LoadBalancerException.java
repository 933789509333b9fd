package dev.zdd.rollout;

/**
 * A load balancer could not be read or would not take an order: unreachable, refused the credentials or the
 * command, or answered something that is not what was asked for. The message names the load balancer (without
 * credentials) and what went wrong.
 */
public class LoadBalancerException extends RuntimeException {

    public LoadBalancerException(String message) {
        super(message);
    }

    public LoadBalancerException(String message, Throwable cause) {
        super(message, cause);
    }
}
