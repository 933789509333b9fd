package dev.zdd.cli.wiring;

import dev.zdd.log.Loggers;
import dev.zdd.platform.swarm.RegistryCredentials;
import dev.zdd.platform.swarm.SwarmConfig;
import dev.zdd.platform.tutum.TutumConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that choose the platform and the credentials, shared by every command that talks to one.
 * Environment fallbacks are resolved here rather than with picocli's {@code ${env:...}} defaults, so that help
 * never shows a variable's value and tests can inject the environment.
 */
public final class PlatformOptions {

    private static final Logger LOG = Loggers.get(PlatformOptions.class);
    /** Loopback by its literal name or address, as the adapters judge it: no name is resolved. */
    private static final Pattern LOOPBACK = Pattern.compile("localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1]");
    /** A Docker Cloud namespace: a Docker ID, never '.', '..' or anything with a '/'. */
    private static final Pattern DOCKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");
    private static final List<String> PROXY_VARIABLES = List.of("https_proxy", "HTTPS_PROXY", "http_proxy",
            "HTTP_PROXY", "no_proxy", "NO_PROXY");

    @Option(names = "--platform", paramLabel = "NAME",
            description = "tutum, dockercloud or swarm (env ZDD_PLATFORM; default tutum).")
    PlatformName platform;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "Where the platform's API is (env ZDD_API_URL, then TUTUM_REST_HOST, DOCKERCLOUD_REST_HOST or "
                          + "DOCKER_HOST; default https://dashboard.tutum.co, https://cloud.docker.com or "
                          + "unix:///var/run/docker.sock). For swarm, several managers of one Swarm may be given, "
                          + "separated by commas (tcp://10.0.0.1:2376,tcp://10.0.0.2:2376): zdd goes on through the "
                          + "next when one stops answering.")
    String apiUrl;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Docker Cloud organisation namespace (env DOCKERCLOUD_NAMESPACE; default the user's own).")
    String namespace;

    @Option(names = "--user", paramLabel = "NAME", description = "Account name (env TUTUM_USER or DOCKERCLOUD_USER).")
    String user;

    @Option(names = "--apikey-file", paramLabel = "FILE",
            description = "File that holds the API key (or env TUTUM_APIKEY or DOCKERCLOUD_APIKEY with the key itself). "
                          + "TUTUM_AUTH or DOCKERCLOUD_AUTH, a complete Authorization value, wins over user and key; "
                          + "~/.tutum ([auth] user + apikey, or basic_auth) is read when nothing else gives credentials.")
    Path apikeyFile;

    @Option(names = "--insecure-http",
            description = "Allow a plain http:// API URL to a host that is not a loopback address.")
    boolean insecureHttp;

    @Option(names = "--no-stream",
            description = "Poll at --poll-interval instead of listening to the platform's events (Tutum's and Docker "
                          + "Cloud's stream at TUTUM_STREAM_HOST or DOCKERCLOUD_STREAM_HOST, the Docker engine's "
                          + "events).")
    boolean noStream;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "PEM file with one or more CA certificates to trust besides the system's, for an API behind "
                          + "a private CA. Certificates are always verified. Proxies come from HTTPS_PROXY, "
                          + "HTTP_PROXY and NO_PROXY (or their lowercase forms).")
    Path caCert;

    /** {@code --insecure-http}: plain http to a host that is not a loopback address is allowed. */
    public boolean insecureHttp() {
        return insecureHttp;
    }

    /**
     * Resolves options, environment and {@code ~/.tutum} into a connection. Throws a usage error for bad option
     * or variable values, and a credentials {@link dev.zdd.platform.PlatformException} when none are found.
     */
    public Connection resolve(CommandLine command, Environment env, Secrets secrets) {
        PlatformName name = platformName(command, env);
        if (name == PlatformName.SWARM) {
            return swarm(command, env, secrets);
        }
        if (name != PlatformName.DOCKERCLOUD && namespace != null) {
            throw new ParameterException(command, "--namespace applies only to --platform dockercloud");
        }
        // A password in a proxy URL or in the API URL is a secret too, whatever becomes of it.
        proxyVariables(env).values().forEach(value -> secrets.addUserInfo(userInfo(value)));
        URI url = apiUrl(command, env, name);
        secrets.addUserInfo(url.getRawUserInfo());
        Credentials.Found credentials = new Credentials(env, secrets, name).resolve(user, apikeyFile);
        LOG.info("{} at {}, credentials from {}", name, url, credentials.source());
        String ns = name == PlatformName.DOCKERCLOUD
                ? (namespace != null ? namespace : env.variable("DOCKERCLOUD_NAMESPACE")) : null;
        if (ns != null && !DOCKER_ID.matcher(ns.strip()).matches()) {
            throw new ParameterException(command, (namespace != null ? "--namespace" : "DOCKERCLOUD_NAMESPACE")
                    + ": '" + ns + "' is not a Docker ID (letters, digits, '-' and '_', starting with a letter or"
                    + " digit)");
        }
        URI stream = noStream ? null : streamUrl(command, env, name, url);
        LOG.info(stream == null ? "polling only: no events stream" : "events from {}", stream);
        return new Connection(name, url, ns, credentials.authorization(), credentials.source(), insecureHttp, caCert,
                proxyVariables(env), null, stream, stream != null);
    }

    /**
     * Where the events stream is: {@code TUTUM_STREAM_HOST} or {@code DOCKERCLOUD_STREAM_HOST} when set; the
     * platform's own stream for the platform's own API; for an API on loopback (such as {@code zdd sandbox}), the
     * same host one port up. Any other API gets no stream unless one is named, so that the credentials never go
     * to a host the user did not choose.
     */
    private static URI streamUrl(CommandLine command, Environment env, PlatformName name, URI apiUrl) {
        TutumConfig.Flavor flavor = name == PlatformName.DOCKERCLOUD
                ? TutumConfig.Flavor.DOCKERCLOUD : TutumConfig.Flavor.TUTUM;
        String variable = name == PlatformName.DOCKERCLOUD ? "DOCKERCLOUD_STREAM_HOST" : "TUTUM_STREAM_HOST";
        String value = env.variable(variable);
        if (value != null) {
            try {
                URI uri = new URI(value.strip().replaceAll("/+$", ""));
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("ws") || scheme.equals("wss")) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // the message below says what is wanted
            }
            throw new ParameterException(command, variable + ": '" + value + "' is not a ws:// or wss:// URL");
        }
        if (apiUrl.equals(flavor.defaultUrl())) {
            return flavor.defaultStreamUrl();
        }
        if (LOOPBACK.matcher(apiUrl.getHost()).matches() && apiUrl.getPort() > 0 && apiUrl.getPort() < 65535) {
            return URI.create("ws://" + apiUrl.getHost() + ":" + (apiUrl.getPort() + 1));
        }
        LOG.info("no events stream for {} unless {} names one", apiUrl, variable);
        return null;
    }

    /**
     * Swarm is reached the way the docker CLI reaches it (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), so the
     * Tutum-style credential options would silently do nothing: they are refused instead.
     */
    private Connection swarm(CommandLine command, Environment env, Secrets secrets) {
        Map<String, Object> tutumOnly = new java.util.LinkedHashMap<>();
        tutumOnly.put("--namespace", namespace);
        tutumOnly.put("--user", user);
        tutumOnly.put("--apikey-file", apikeyFile);
        tutumOnly.put("--ca-cert", caCert);
        tutumOnly.forEach((option, value) -> {
            if (value != null) {
                throw new ParameterException(command, option + " does not apply to --platform swarm, which reads"
                                                      + " DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as"
                                                      + " the docker CLI does");
            }
        });
        SwarmConfig config = SwarmConfig.fromEnvironment(env.variables(), env.home());
        String host = apiUrl != null ? apiUrl : env.variable("ZDD_API_URL");
        if (host != null) {
            try {
                config = config.withDockerHosts(host.strip());
            } catch (dev.zdd.platform.PlatformException e) {
                throw new ParameterException(command, (apiUrl != null ? "--api-url" : "ZDD_API_URL") + ": '" + host
                                                      + "' is not a unix:// or tcp:// address, or several separated"
                                                      + " by commas");
            }
        }
        config = config.withInsecureHttp(insecureHttp).withEvents(!noStream);
        LOG.info("SWARM at {}", config.describeHosts());
        // Registry credentials as the docker CLI keeps them; every secret found is masked from then on.
        return Connection.swarm(config, RegistryCredentials.fromEnvironment(env.variables(), env.home(),
                secrets::add));
    }

    /** The {@code user:password} of a URL as written, or null: from the text, as a proxy URL may not parse. */
    private static String userInfo(String url) {
        String rest = url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String info = rest.substring(0, at);
        int slash = info.indexOf('/');
        return slash >= 0 ? null : info;
    }

    private static Map<String, String> proxyVariables(Environment env) {
        Map<String, String> proxies = new HashMap<>();
        for (String name : PROXY_VARIABLES) {
            String value = env.variable(name);
            if (value != null) {
                proxies.put(name, value);
            }
        }
        return proxies;
    }

    private PlatformName platformName(CommandLine command, Environment env) {
        if (platform != null) {
            return platform;
        }
        String value = env.variable("ZDD_PLATFORM");
        if (value == null) {
            return PlatformName.TUTUM;
        }
        try {
            return PlatformName.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command,
                    "ZDD_PLATFORM: '" + value + "' is not a platform: use tutum, dockercloud or swarm");
        }
    }

    private URI apiUrl(CommandLine command, Environment env, PlatformName name) {
        String hostVariable = name == PlatformName.DOCKERCLOUD ? "DOCKERCLOUD_REST_HOST" : "TUTUM_REST_HOST";
        String source;
        String value;
        if (apiUrl != null) {
            source = "--api-url";
            value = apiUrl;
        } else if (env.variable("ZDD_API_URL") != null) {
            source = "ZDD_API_URL";
            value = env.variable("ZDD_API_URL");
        } else if (env.variable(hostVariable) != null) {
            source = hostVariable;
            value = env.variable(hostVariable);
        } else {
            return (name == PlatformName.DOCKERCLOUD ? TutumConfig.Flavor.DOCKERCLOUD : TutumConfig.Flavor.TUTUM)
                    .defaultUrl();
        }
        try {
            URI uri = new URI(value.strip().replaceAll("/+$", ""));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // the message below says what is wanted
        }
        throw new ParameterException(command, source + ": '" + value + "' is not an http:// or https:// URL");
    }
}
