package dev.zdd.cli.command;

import dev.zdd.cli.common.DurationConverter;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Secrets;
import dev.zdd.lb.LbAddress;
import dev.zdd.lb.Ledger;
import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancing;
import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --lb}, {@code --lb-server} and {@code --lb-drain-timeout}, with {@code ZDD_LB} and {@code ZDD_LB_AUTH}:
 * the load balancers that pace a rollout. Their credentials are secrets from the moment they are read.
 */
public final class LbOptions {

    static final String AUTH_VARIABLE = "ZDD_LB_AUTH";
    static final String URL_VARIABLE = "ZDD_LB";
    /** The user information of a URL, read before the URL is parsed, so that no message can show it. */
    private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)@");

    @Option(names = "--lb", paramLabel = "URL",
            description = "HAProxy to consult and steer: unix:///path/admin.sock (runtime API, admin level) or"
                          + " http(s)://host:port/path (stats page with 'stats admin'); each step drains its"
                          + " servers, then sets them ready and waits until UP; repeatable (env ZDD_LB, URLs"
                          + " separated by spaces; credentials for a stats page in ZDD_LB_AUTH as user:password,"
                          + " or in the URL).")
    List<String> urls = new ArrayList<>();

    @Option(names = "--lb-server", paramLabel = "SERVICE=BACKEND/SERVER",
            description = "Which load balancer servers are the service's; SERVER may be *; repeatable (default: the"
                          + " servers whose address is a container's published endpoint, or whose name is the"
                          + " container's).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--lb-drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait for a drained server's sessions to reach 0; then zdd goes on and says so"
                          + " (default 30s).")
    Duration drainTimeout;

    /** The load balancers to use, ready to steer, and the net that undoes their drains on any exit. */
    public static final class Opened implements AutoCloseable {

        private final LoadBalancing balancing;
        private final List<Ledger> ledgers;
        private final Thread hook;

        Opened(LoadBalancing balancing, List<Ledger> ledgers, PrintWriter err) {
            this.balancing = balancing;
            this.ledgers = ledgers;
            // A second Ctrl-C exits the process at once, without the run's own clean-up: this still sets ready
            // whatever is drained, before the process is gone.
            this.hook = ledgers.isEmpty() ? null : new Thread(() -> undo(err), "zdd-lb-undo");
            if (hook != null) {
                Runtime.getRuntime().addShutdownHook(hook);
            }
        }

        public LoadBalancing balancing() {
            return balancing;
        }

        private void undo(PrintWriter err) {
            for (Ledger ledger : ledgers) {
                List<String> drained = ledger.drained();
                List<String> failures = ledger.undo();
                drained.forEach(id -> {
                    if (failures.stream().noneMatch(f -> f.startsWith(id + " "))) {
                        err.println("zdd: set " + id + " ready again in " + ledger.describe());
                    }
                });
                failures.forEach(f -> err.println("zdd: could not set " + f + "; set it ready by hand"));
            }
            err.flush();
        }

        @Override
        public void close() {
            if (hook == null) {
                return;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now, or has: it undoes what is left
            }
        }
    }

    /** Reads the options and variables, registers every credential as a secret, and opens the clients. */
    Opened open(CommandLine command, Environment env, Secrets secrets, boolean insecureHttp) {
        List<String> values = urls;
        if (values.isEmpty() && env.variable(URL_VARIABLE) != null) {
            values = Arrays.stream(env.variable(URL_VARIABLE).strip().split("\\s+")).toList();
        }
        values.forEach(value -> registerUserInfo(value, secrets));
        String auth = env.variable(AUTH_VARIABLE);
        if (auth != null) {
            registerCredentials(auth, secrets);
            if (!auth.contains(":")) {
                throw new ParameterException(command, AUTH_VARIABLE + " must be user:password");
            }
        }
        if (values.isEmpty()) {
            if (!servers.isEmpty()) {
                throw new ParameterException(command, "--lb-server needs --lb (or " + URL_VARIABLE + ")");
            }
            if (drainTimeout != null) {
                throw new ParameterException(command, "--lb-drain-timeout needs --lb (or " + URL_VARIABLE + ")");
            }
            return new Opened(LoadBalancing.NONE, List.of(), command.getErr());
        }
        List<LoadBalancing.ServerRule> rules = new ArrayList<>();
        for (String rule : servers) {
            try {
                rules.add(LoadBalancing.ServerRule.parse(rule));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command, "invalid value for --lb-server: " + e.getMessage());
            }
        }
        List<Ledger> ledgers = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String value : values) {
            LbAddress address;
            try {
                address = LbAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command, "invalid value for --lb: '" + secrets.redact(value) + "' is "
                                                      + e.getMessage());
            }
            if (seen.contains(address.describe())) {
                throw new ParameterException(command, "--lb " + address.describe() + " is given twice");
            }
            seen.add(address.describe());
            boolean credentials = address.credentials() != null || auth != null;
            if (credentials && address.isPlainHttpOffLoopback() && !insecureHttp) {
                throw new ParameterException(command, "--lb " + address.describe() + ": plain http:// to a host that"
                        + " is not a loopback address would send the credentials readable to anyone on the way; use"
                        + " https://, or pass --insecure-http");
            }
            ledgers.add(new Ledger(address.open(auth)));
        }
        Duration timeout = drainTimeout == null ? LoadBalancing.DEFAULT_DRAIN_TIMEOUT : drainTimeout;
        List<LoadBalancer> balancers = List.copyOf(ledgers);
        return new Opened(new LoadBalancing(balancers, rules, timeout), ledgers, command.getErr());
    }

    /** The URL's user information, as written and decoded, is a secret before anything else looks at it. */
    private static void registerUserInfo(String value, Secrets secrets) {
        Matcher userInfo = USER_INFO.matcher(value.strip());
        if (userInfo.find()) {
            String raw = userInfo.group(1);
            secrets.add(raw);
            registerCredentials(raw, secrets);
            try {
                registerCredentials(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8), secrets);
            } catch (IllegalArgumentException malformed) {
                // the raw form is registered already
            }
        }
    }

    /** {@code user:password}, its password, and the Basic header value they make. */
    private static void registerCredentials(String credentials, Secrets secrets) {
        secrets.add(credentials);
        int colon = credentials.indexOf(':');
        if (colon >= 0) {
            secrets.add(credentials.substring(colon + 1));
        }
        secrets.add(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
