package dev.zdd.cli;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.Platform;
import dev.zdd.time.FakeTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One in-process zdd: a fake clock, an in-memory platform, an injected environment and home directory, and
 * signals a test raises itself. Records every connection the command asked for, to assert on credentials.
 */
final class Fixture {

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {

        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    /** Signals raised by the test, e.g. from a nap of the fake sleeper. */
    static final class FakeInterrupts implements Interrupts {

        private final List<Runnable> actions = new ArrayList<>();

        @Override
        public synchronized Registration onInterrupt(Runnable action) {
            actions.add(action);
            return () -> {
                synchronized (this) {
                    actions.remove(action);
                }
            };
        }

        synchronized void raise() {
            List.copyOf(actions).forEach(Runnable::run);
        }
    }

    final FakeTime time = new FakeTime();
    final InMemoryPlatform platform = new InMemoryPlatform(time);
    final Map<String, String> variables = new HashMap<>(Map.of("TUTUM_USER", "alice", "TUTUM_APIKEY", KEY));
    final List<Connection> connections = new ArrayList<>();
    final FakeInterrupts interrupts = new FakeInterrupts();
    Path home;
    /** Swarm's capabilities, which the in-memory platform takes on when zdd asks for Swarm. */
    static final Platform.Capabilities SWARM = new Platform.Capabilities(false, false,
            "Swarm rolls a service's tasks itself and publishes no per-task endpoint; use --ready-url");
    PlatformFactory platforms = connection -> connection.platform() == PlatformName.SWARM
            ? platform.withCapabilities(SWARM) : platform;
    boolean terminal;

    static final String KEY = "0123456789abcdef0123456789abcdef01234567";

    Fixture(Path home) {
        this.home = home;
    }

    /** Stderr is a terminal from now on, as when a person runs zdd. */
    Fixture onATerminal() {
        terminal = true;
        return this;
    }

    Fixture withoutCredentials() {
        variables.clear();
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PlatformFactory recording = connection -> {
            connections.add(connection);
            return platforms.open(connection);
        };
        Environment env = new Environment(variables, home, time, time, recording, interrupts, terminal);
        int exitCode = Main.execute(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(exitCode, out.toString(), err.toString());
    }

    Connection connection() {
        return connections.get(connections.size() - 1);
    }

    /** A platform that fails every call with this exception: unreachable, refusing, broken. */
    static Platform failing(RuntimeException failure) {
        return (Platform) java.lang.reflect.Proxy.newProxyInstance(Platform.class.getClassLoader(),
                new Class<?>[] {Platform.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("describe")) {
                        return "a failing platform";
                    }
                    throw failure;
                });
    }
}
