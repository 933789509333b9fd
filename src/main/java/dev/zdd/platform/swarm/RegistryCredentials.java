package dev.zdd.platform.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.platform.ImageReference;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Finds a registry's credentials where the docker CLI keeps them: {@code config.json} in {@code DOCKER_CONFIG}
 * (else {@code ~/.docker}), first a credential helper named for the registry ({@code credHelpers}), else the
 * default store ({@code credsStore}), else the file's own {@code auths}. A helper is the executable
 * {@code docker-credential-NAME} on the {@code PATH}, asked with {@code get} and the registry on its standard input,
 * and given a bounded time to answer. No credentials is an answer too: an open registry needs none. Every secret
 * found is handed to {@code secrets} before it is used, so that no output can show it.
 */
public final class RegistryCredentials {

    /** The answer of a helper that has nothing for the registry (docker-credential-helpers' own words). */
    private static final String NOT_FOUND = "credentials not found in native keychain";
    /** Docker Hub's names, any of which an {@code auths} key may use. */
    private static final Set<String> DOCKER_HUB_HOSTS = Set.of("index.docker.io", "docker.io",
            "registry-1.docker.io");
    /** Far more than a helper's answer; beyond it, it is not one. */
    private static final int MAX_HELPER_OUTPUT = 64 * 1024;
    public static final Duration DEFAULT_HELPER_TIMEOUT = Duration.ofSeconds(20);

    /** Reads nothing, finds nothing: every registry is asked without credentials. */
    public static final RegistryCredentials NONE = new RegistryCredentials(null, List.of(), DEFAULT_HELPER_TIMEOUT,
            secret -> { });

    private final Path configDir;
    private final List<Path> searchPath;
    private final Duration helperTimeout;
    private final Consumer<String> secrets;
    private final Map<String, Optional<RegistryAuth>> found = new ConcurrentHashMap<>();

    /**
     * @param configDir     the docker CLI's configuration folder (with {@code config.json}), or null for none
     * @param searchPath    where to look for {@code docker-credential-NAME} executables (the {@code PATH})
     * @param helperTimeout how long a helper may take to answer
     * @param secrets       is told every secret as soon as it is read
     */
    public RegistryCredentials(Path configDir, List<Path> searchPath, Duration helperTimeout,
                               Consumer<String> secrets) {
        this.configDir = configDir;
        this.searchPath = List.copyOf(searchPath);
        this.helperTimeout = Objects.requireNonNull(helperTimeout, "helperTimeout");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * As the docker CLI finds them: {@code DOCKER_CONFIG}, else {@code ~/.docker}; helpers on {@code PATH}.
     *
     * @param env  the environment
     * @param home the user's home folder
     */
    public static RegistryCredentials fromEnvironment(Map<String, String> env, Path home, Consumer<String> secrets) {
        String dir = env.get("DOCKER_CONFIG");
        Path configDir = dir == null || dir.isBlank() ? home.resolve(".docker") : Path.of(dir.strip());
        String path = env.getOrDefault("PATH", "");
        List<Path> searchPath = Arrays.stream(path.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).map(Path::of).toList();
        return new RegistryCredentials(configDir, searchPath, DEFAULT_HELPER_TIMEOUT, secrets);
    }

    /** Where the credentials are read from, for messages. */
    String describe() {
        return configDir == null ? "no docker CLI configuration" : configDir.resolve("config.json").toString();
    }

    /**
     * The credentials for the registry of {@code image}, or empty when there are none; looked up once per registry.
     *
     * @throws CredentialsException when they can't be read: a broken {@code config.json}, a helper that is missing,
     *                              fails or does not answer in time
     */
    Optional<RegistryAuth> forImage(ImageReference image) {
        String registry = image.registry();
        Optional<RegistryAuth> known = found.get(registry);
        if (known != null) {
            return known;
        }
        Optional<RegistryAuth> auth = lookUp(registry, image.onDockerHub()
                ? ImageReference.DOCKER_HUB_AUTH_KEY : registry);
        auth.ifPresent(a -> a.secrets().forEach(secrets));
        found.put(registry, auth);
        return auth;
    }

    private Optional<RegistryAuth> lookUp(String registry, String serverAddress) {
        JsonNode config = readConfig();
        if (config == null) {
            return Optional.empty();
        }
        String helper = text(config.path("credHelpers").path(registry));
        if (helper == null && registry.equals(ImageReference.DOCKER_HUB)) {
            for (String host : DOCKER_HUB_HOSTS) {
                helper = helper != null ? helper : text(config.path("credHelpers").path(host));
            }
        }
        if (helper == null) {
            helper = text(config.path("credsStore"));
        }
        if (helper != null) {
            return askHelper(helper, serverAddress);
        }
        return fromAuths(config.path("auths"), registry, serverAddress);
    }

    /** The parsed {@code config.json}, or null when there is none (nothing configured: no credentials). */
    private JsonNode readConfig() {
        if (configDir == null) {
            return null;
        }
        Path file = configDir.resolve("config.json");
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode config = DockerApi.json().readTree(bytes);
            if (config == null || !config.isObject()) {
                throw new CredentialsException(file + " is not a JSON object");
            }
            return config;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // Jackson's message may quote the file's content: say only where it broke.
            String where = e instanceof JsonProcessingException json
                           && json.getLocation() != null ? " (line " + json.getLocation().getLineNr() + ")" : "";
            throw new CredentialsException("cannot read " + file + where + ": "
                                           + (where.isEmpty() ? e.getClass().getSimpleName() : "not valid JSON"));
        }
    }

    /** An {@code auths} entry whose key names the registry (keys may carry a scheme and a path, as old ones do). */
    private Optional<RegistryAuth> fromAuths(JsonNode auths, String registry, String serverAddress) {
        Iterator<Map.Entry<String, JsonNode>> entries = auths.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String host = hostOf(entry.getKey());
            boolean matches = registry.equals(ImageReference.DOCKER_HUB)
                    ? DOCKER_HUB_HOSTS.contains(host) : host.equals(registry.toLowerCase(Locale.ROOT));
            if (matches) {
                return fromEntry(entry.getValue(), serverAddress, "auths in " + describe());
            }
        }
        return Optional.empty();
    }

    private Optional<RegistryAuth> fromEntry(JsonNode entry, String serverAddress, String source) {
        String user = text(entry.path("username"));
        String password = text(entry.path("password"));
        String encoded = text(entry.path("auth"));
        if (encoded != null) {
            secrets.accept(encoded);
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new CredentialsException("the auth entry for " + serverAddress + " in " + describe()
                                               + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new CredentialsException("the auth entry for " + serverAddress + " in " + describe()
                                               + " is not base64 of user:password");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        String identityToken = text(entry.path("identitytoken"));
        String registryToken = text(entry.path("registrytoken"));
        if (password == null && identityToken == null && registryToken == null) {
            return Optional.empty(); // an entry that a credentials store left empty
        }
        return Optional.of(new RegistryAuth(user, password, identityToken, registryToken, serverAddress, source));
    }

    /** Asks {@code docker-credential-NAME get}, as the docker CLI does. */
    private Optional<RegistryAuth> askHelper(String name, String serverAddress) {
        String program = "docker-credential-" + name;
        Path executable = searchPath.stream().map(dir -> dir.resolve(program))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file)).findFirst()
                .orElseThrow(() -> new CredentialsException(describe() + " names the credential helper " + name
                                                            + ", but " + program + " is not on the PATH"));
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new CredentialsException("cannot run " + program + ": " + e.getMessage());
        }
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readCapped(process.getInputStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(serverAddress.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a helper that exits without reading says why on its output, read below
        }
        byte[] answer;
        try {
            if (!process.waitFor(helperTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CredentialsException(program + " did not answer within " + helperTimeout.toSeconds()
                                               + " s");
            }
            answer = output.get(helperTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsException(program + " was interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new CredentialsException(program + " gave no readable answer");
        } finally {
            process.destroyForcibly();
        }
        String text = new String(answer, StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            if (text.contains(NOT_FOUND)) {
                return Optional.empty();
            }
            throw new CredentialsException(program + " failed (exit " + process.exitValue() + ")"
                                           + (text.isEmpty() ? "" : ": " + firstLine(text)));
        }
        JsonNode credentials;
        try {
            credentials = DockerApi.json().readTree(text);
        } catch (IOException e) {
            credentials = null;
        }
        if (credentials == null || !credentials.isObject()) {
            throw new CredentialsException(program + " answered something that is not its JSON");
        }
        String user = text(credentials.path("Username"));
        String secret = text(credentials.path("Secret"));
        if (secret == null) {
            return Optional.empty();
        }
        secrets.accept(secret);
        // The helpers' convention: the user <token> means the secret is an identity token.
        return "<token>".equals(user)
                ? Optional.of(new RegistryAuth(null, null, secret, null, serverAddress, program))
                : Optional.of(new RegistryAuth(user, secret, null, null, serverAddress, program));
    }

    private static byte[] readCapped(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (out.size() < MAX_HELPER_OUTPUT) {
                    out.write(buffer, 0, Math.min(read, MAX_HELPER_OUTPUT - out.size()));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The host of an {@code auths} key, as the docker CLI's ConvertToHostname makes it. */
    static String hostOf(String key) {
        String host = key.strip();
        if (host.startsWith("http://")) {
            host = host.substring(7);
        } else if (host.startsWith("https://")) {
            host = host.substring(8);
        }
        int slash = host.indexOf('/');
        return (slash < 0 ? host : host.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** The credentials could not be read; the message says where and why, never what they are. */
    static final class CredentialsException extends RuntimeException {
        CredentialsException(String message) {
            super(message);
        }
    }
}
