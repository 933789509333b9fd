package dev.zdd.cli.wiring;

import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Finds the credentials, in the contract's order: {@code TUTUM_AUTH}, then user + API key (options, then
 * environment), then {@code ~/.tutum}. Every secret it sees goes into {@link Secrets} before anything can
 * print it. Docker Cloud reads the {@code DOCKERCLOUD_} variables instead of the {@code TUTUM_} ones.
 */
final class Credentials {

    private static final Logger LOG = Loggers.get(Credentials.class);

    /** A resolved {@code Authorization} value and where it came from. */
    record Found(String authorization, String source) {
        @Override
        public String toString() {
            return "Found[source=" + source + "]";
        }
    }

    private final Environment env;
    private final Secrets secrets;
    private final String prefix;

    Credentials(Environment env, Secrets secrets, PlatformName platform) {
        this.env = env;
        this.secrets = secrets;
        this.prefix = platform == PlatformName.DOCKERCLOUD ? "DOCKERCLOUD_" : "TUTUM_";
    }

    Found resolve(String userOption, Path apikeyFile) {
        String key = apikeyFile != null ? readKey(apikeyFile) : env.variable(prefix + "APIKEY");
        secrets.add(key);
        String header = env.variable(prefix + "AUTH");
        if (header != null) {
            secrets.add(header);
            secrets.add(header.replaceFirst("^\\S+\\s+", ""));
            if (apikeyFile != null || userOption != null) {
                LOG.warn("{}AUTH is set and wins over --user and --apikey-file; unset it to use them", prefix);
            }
            return new Found(header.strip(), prefix + "AUTH");
        }
        String user = userOption != null ? userOption : env.variable(prefix + "USER");
        if (user != null && key != null) {
            return new Found(basic(user, key), apikeyFile != null ? "--apikey-file" : prefix + "APIKEY");
        }
        if (user != null || key != null) {
            throw PlatformException.credentials((user == null
                    ? "an API key but no user: give --user NAME or set " + prefix + "USER"
                    : "a user but no API key: give --apikey-file FILE or set " + prefix + "APIKEY"));
        }
        Found fromFile = fromTutumFile();
        if (fromFile != null) {
            return fromFile;
        }
        throw PlatformException.credentials("no credentials: set " + prefix + "USER and " + prefix + "APIKEY "
                + "(or give --user NAME and --apikey-file FILE), set " + prefix + "AUTH, or write user and apikey "
                + "in the [auth] section of ~/.tutum");
    }

    private String readKey(Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw PlatformException.credentials("the API key file " + file + " is empty");
            }
            return key;
        } catch (NoSuchFileException e) {
            throw PlatformException.credentials("the API key file " + file + " does not exist");
        } catch (IOException e) {
            throw PlatformException.credentials("can't read the API key file " + file + ": " + e.getMessage());
        }
    }

    /** {@code [auth]} with {@code user} + {@code apikey} (the README's form) or {@code basic_auth} ({@code tutum login}'s). */
    private Found fromTutumFile() {
        Path file = env.home().resolve(".tutum");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Map<String, String> auth;
        try {
            auth = authSection(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw PlatformException.credentials("can't read " + file + ": " + e.getMessage());
        }
        auth.values().forEach(secrets::add);
        String user = auth.get("user");
        String key = auth.get("apikey");
        if (user != null && key != null) {
            return new Found(basic(user, key), "~/.tutum");
        }
        String basic = auth.get("basic_auth");
        if (basic != null) {
            secrets.add(decodedSecret(basic));
            return new Found("Basic " + basic, "~/.tutum");
        }
        return null;
    }

    private String basic(String user, String key) {
        String token = Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
        secrets.add(token);
        return "Basic " + token;
    }

    /** The secret half of a base64 {@code user:secret}, so that a decoded echo can't show it either. */
    private static String decodedSecret(String basic) {
        try {
            String decoded = new String(Base64.getDecoder().decode(basic.strip()), StandardCharsets.UTF_8);
            return decoded.substring(decoded.indexOf(':') + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The keys of the {@code [auth]} section: Python's ConfigParser wrote the file ({@code key = value} or
     * {@code key: value}), the Go client read it as TOML (quoted values), so both spellings are accepted.
     */
    static Map<String, String> authSection(List<String> lines) {
        Map<String, String> values = new HashMap<>();
        boolean inAuth = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                inAuth = line.substring(1, line.length() - 1).strip().equals("auth");
                continue;
            }
            int separator = firstOf(line, '=', ':');
            if (inAuth && separator > 0) {
                String value = line.substring(separator + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                                            || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isEmpty()) {
                    values.put(line.substring(0, separator).strip(), value);
                }
            }
        }
        return values;
    }

    private static int firstOf(String line, char a, char b) {
        int i = line.indexOf(a);
        int j = line.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
