package dev.zdd.cli.wiring;

import dev.zdd.platform.tutum.TutumPlatform;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The start of a command that talks to a platform, done on a second thread while the first one reads the command
 * line: starting Logback and loading the HTTP client and the JSON readers take about as long as picocli's reading,
 * and a machine has two cores more often than not. Only work that any such run does, and that leaves nothing behind
 * but loaded classes and caches; the platform waits for it ({@link #await}) before it is built, so that no class is
 * ever initialised by both threads at once.
 */
public final class Warmup {

    private static final Set<String> PLATFORM_COMMANDS = Set.of("redeploy", "services");
    private static volatile Thread thread;

    private Warmup() {
    }

    /** Starts the warm-up when the command line names a command that talks to a platform. */
    public static void start(String... args) {
        if (args.length == 0 || !PLATFORM_COMMANDS.contains(args[0]) || thread != null) {
            return;
        }
        Thread warming = new Thread(Warmup::run, "zdd-warmup");
        warming.setDaemon(true);
        thread = warming;
        warming.start();
    }

    /** Waits (briefly, at most) for the warm-up to end, if one was started. */
    public static void await() {
        Thread warming = thread;
        if (warming == null) {
            return;
        }
        try {
            warming.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run() {
        try {
            Logging.start();
            TutumPlatform.prepare();
        } catch (RuntimeException | LinkageError e) {
            // Only an early start was lost: the run does the same work itself when it needs it.
        }
    }
}
