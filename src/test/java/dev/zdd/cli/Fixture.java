package dev.zdd.cli;

import dev.zdd.cli.wiring.Connection;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.cli.wiring.PlatformFactory;
import dev.zdd.cli.wiring.PlatformName;
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
public final class Fixture {

    /** What one run printed and returned. */
    public record Result(int exitCode, String out, String err) {

        public List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    /** Signals raised by the test, e.g. from a nap of the fake sleeper. */
    public static final class FakeInterrupts implements Interrupts {

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

        public synchronized void raise() {
            List.copyOf(actions).forEach(Runnable::run);
        }
    }

    public final FakeTime time = new FakeTime();
    public final InMemoryPlatform platform = new InMemoryPlatform(time);
    public final Map<String, String> variables = new HashMap<>(Map.of("TUTUM_USER", "alice", "TUTUM_APIKEY", KEY));
    public final List<Connection> connections = new ArrayList<>();
    public final FakeInterrupts interrupts = new FakeInterrupts();
    public Path home;
    /** Swarm's capabilities, which the in-memory platform takes on when zdd asks for Swarm. */
    public static final Platform.Capabilities SWARM = new Platform.Capabilities(false, false,
            "Swarm rolls a service's tasks itself and publishes no per-task endpoint; use --ready-url");
    public PlatformFactory platforms = connection -> connection.platform() == PlatformName.SWARM
            ? platform.withCapabilities(SWARM) : platform;
    public boolean terminal;

    public static final String KEY = "0123456789abcdef0123456789abcdef01234567";

    public Fixture(Path home) {
        this.home = home;
    }

    /** Stderr is a terminal from now on, as when a person runs zdd. */
    public Fixture onATerminal() {
        terminal = true;
        return this;
    }

    public Fixture withoutCredentials() {
        variables.clear();
        return this;
    }

    public Result run(String... args) {
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

    public Connection connection() {
        return connections.get(connections.size() - 1);
    }

    /** A platform that fails every call with this exception: unreachable, refusing, broken. */
    public static Platform failing(RuntimeException failure) {
        return (Platform) java.lang.reflect.Proxy.newProxyInstance(Platform.class.getClassLoader(),
                new Class<?>[] {Platform.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("describe")) {
                        return "a failing platform";
                    }
                    throw failure;
                });
    }
}
