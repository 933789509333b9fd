package dev.zdd.cli.wiring;

/** Where a stop request from outside (SIGINT, SIGTERM) comes from; tests raise it themselves. */
@FunctionalInterface
public interface Interrupts {

    /** Runs {@code action} on each interrupt until the returned registration is closed. */
    Registration onInterrupt(Runnable action);

    /** Undoes an {@link #onInterrupt} registration. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
