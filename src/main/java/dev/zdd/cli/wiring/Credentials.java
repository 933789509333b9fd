package dev.zdd.cli.wiring;

import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** Far more than any key or ~/.tutum; a larger file is not one. */
    static final int LARGEST_FILE = 64 * 1024;

    private final Environment env;
    private final Secrets secrets;
    private final String prefix;

    Credentials(Environment env, Secrets secrets, PlatformName platform) {
        this.env = env;
        this.secrets = secrets;
        this.prefix = platform == PlatformName.DOCKERCLOUD ? "DOCKERCLOUD_" : "TUTUM_";
    }

    Found resolve(String userOption, Path apikeyFile) {
        // Every key the environment holds is a secret from the start, whichever is used: the key given where its
        // file was expected (--apikey-file "$TUTUM_APIKEY") must not show in the message that says no such file.
        for (String variable : List.of("TUTUM_APIKEY", "DOCKERCLOUD_APIKEY", "DOCKERCLOUD_PASS")) {
            secrets.add(env.variable(variable));
        }
        for (String variable : List.of("TUTUM_AUTH", "DOCKERCLOUD_AUTH")) {
            secrets.addAuthorization(env.variable(variable));
        }
        String key = apikeyFile != null ? readKey(apikeyFile) : env.variable(prefix + "APIKEY");
        secrets.add(key);
        String header = env.variable(prefix + "AUTH");
        if (header != null) {
            requireHeaderSafe(prefix + "AUTH", header.strip());
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

    /**
     * An {@code Authorization} value goes into a header as it is: a line break would end the header (and could add
     * others), and a character beyond visible ASCII can't be sent at all. Refused naming where it came from, never
     * showing it.
     */
    private static void requireHeaderSafe(String source, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                throw PlatformException.credentials(source + " holds a character that can't be sent in an HTTP"
                        + " header (" + (c == '\r' || c == '\n' ? "a line break" : c < 0x20 ? "a control character"
                        : "a character beyond ASCII") + " at position " + (i + 1) + "); set it to the Authorization"
                        + " value alone, such as Basic followed by base64 of user:apikey");
            }
        }
    }

    /**
     * The key from its file: a regular file of at most {@link #LARGEST_FILE}, checked before it is opened, so that a
     * FIFO, a device ({@code /dev/zero}) or a huge file can neither block the run nor fill the memory.
     */
    private String readKey(Path file) {
        String text = readSmallFile(file, "the API key file " + file, true);
        String key = text.strip();
        if (key.isEmpty()) {
            throw PlatformException.credentials("the API key file " + file + " is empty");
        }
        return key;
    }

    /**
     * A credentials file's text. {@code keyGiven}: the name was given where a key file was expected, so it may be
     * the key itself, and is not shown when it names nothing.
     */
    private String readSmallFile(Path file, String what, boolean keyGiven) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (keyGiven) {
                secrets.add(file.toString());
                throw PlatformException.credentials("--apikey-file names no file (the name is not shown, as it may be"
                        + " the key itself): give the file that holds the key, or set " + prefix + "APIKEY");
            }
            throw PlatformException.credentials(what + " does not exist");
        } catch (IOException e) {
            throw PlatformException.credentials("can't read " + what + ": " + reason(e));
        }
        if (!attributes.isRegularFile()) {
            throw PlatformException.credentials(what + " is not a regular file (" + (attributes.isDirectory()
                    ? "a directory" : "a FIFO, a socket or a device") + "); zdd reads credentials from regular files"
                    + " only");
        }
        if (attributes.size() > LARGEST_FILE) {
            throw PlatformException.credentials(what + " has " + attributes.size() + " bytes, more than the "
                    + LARGEST_FILE / 1024 + " KiB a credentials file may have");
        }
        warnIfOthersMayRead(file, what);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(LARGEST_FILE + 1);
        } catch (IOException e) {
            throw PlatformException.credentials("can't read " + what + ": " + reason(e));
        }
        if (bytes.length > LARGEST_FILE) {
            throw PlatformException.credentials(what + " has more than the " + LARGEST_FILE / 1024
                    + " KiB a credentials file may have");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** As ssh and kubectl do: a secret that others may read is one that others may have read. */
    private static void warnIfOthersMayRead(Path file, String what) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} is readable by {} (mode {}); make it private: chmod 600 {}", what,
                        permissions.contains(PosixFilePermission.OTHERS_READ) ? "every user" : "its group",
                        PosixFilePermissions.toString(permissions), file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX permissions to judge (or none readable): nothing to warn about
        }
    }

    /** Why a file can't be read, in words: the JDK's exceptions often carry only the file's name. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** {@code [auth]} with {@code user} + {@code apikey} (the README's form) or {@code basic_auth} ({@code tutum login}'s). */
    private Found fromTutumFile() {
        Path file = env.home().resolve(".tutum");
        if (!Files.exists(file)) {
            return null;
        }
        Map<String, String> auth = authSection(readSmallFile(file, file.toString(), false).lines().toList());
        auth.values().forEach(secrets::add);
        String user = auth.get("user");
        String key = auth.get("apikey");
        if (user != null && key != null) {
            return new Found(basic(user, key), "~/.tutum");
        }
        String basic = auth.get("basic_auth");
        if (basic != null) {
            secrets.addAuthorization("Basic " + basic);
            requireHeaderSafe(file + " (basic_auth)", "Basic " + basic);
            return new Found("Basic " + basic, "~/.tutum");
        }
        return null;
    }

    private String basic(String user, String key) {
        secrets.addCredentials(user, key);
        String token = Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
        return "Basic " + token;
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
