package dev.zdd.cli.wiring;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM through {@code sun.misc.Signal}, so that the run can stop cleanly and still print its
 * summary; a second signal exits at once, for a run that does not stop. Where the JVM doesn't let us handle
 * signals (e.g. {@code -Xrs}), a shutdown hook asks for the stop and waits a while for the summary instead.
 */
final class SignalInterrupts implements Interrupts {

    private static final int EXIT_INTERRUPTED = 130;
    private static final long HOOK_GRACE_SECONDS = 30;

    @Override
    public Registration onInterrupt(Runnable action) {
        try {
            return handleSignals(action);
        } catch (IllegalArgumentException | LinkageError e) {
            return shutdownHook(action);
        }
    }

    private static Registration handleSignals(Runnable action) {
        AtomicBoolean seen = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (seen.getAndSet(true)) {
                System.exit(EXIT_INTERRUPTED);
            }
            action.run();
        };
        List<Signal> signals = List.of(new Signal("INT"), new Signal("TERM"));
        List<SignalHandler> previous = signals.stream().map(signal -> Signal.handle(signal, handler)).toList();
        return () -> {
            for (int i = 0; i < signals.size(); i++) {
                Signal.handle(signals.get(i), previous.get(i));
            }
        };
    }

    private static Registration shutdownHook(Runnable action) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            action.run();
            try {
                finished.await(HOOK_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "zdd-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it just needed the countdown above.
            }
        };
    }
}
