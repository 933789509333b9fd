package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.pathOf;
import static dev.zdd.platform.tutum.TutumPaths.uuidOf;

import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.platform.tutum.ApiObjects.ActionObject;
import dev.zdd.platform.tutum.ApiObjects.ContainerObject;
import dev.zdd.platform.tutum.ApiObjects.Page;
import dev.zdd.platform.tutum.ApiObjects.Port;
import dev.zdd.platform.tutum.ApiObjects.ServiceObject;
import dev.zdd.platform.tutum.ApiObjects.StackObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/** Tutum and Docker Cloud over their REST API. */
public final class TutumPlatform implements Platform {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final TutumConfig config;
    private final TutumPaths paths;
    private final TutumHttp http;
    private final String actionHeader;
    /** Stack names by resource URI: a stack's name never changes. */
    private final Map<String, String> stackNames = new ConcurrentHashMap<>();
    /** Service resource URIs by uuid, as {@link #services()} and {@link #service} saw them. */
    private final Map<String, String> serviceUris = new ConcurrentHashMap<>();

    /**
     * Refuses, before any connection, a plain {@code http://} URL to a non-loopback host unless
     * {@link TutumConfig#insecureHttp()}; throws {@link PlatformException} of kind CONFIGURATION.
     */
    public TutumPlatform(TutumConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        HttpUrl base = checkedBase(config);
        this.paths = new TutumPaths(config.flavor(), base, config.namespace());
        this.http = new TutumHttp(config, paths.display());
        this.actionHeader = config.flavor() == TutumConfig.Flavor.TUTUM
                ? "X-Tutum-Action-URI" : "X-DockerCloud-Action-URI";
    }

    @Override
    public List<Service> services() {
        List<ServiceObject> services = listAll(paths.services(), ServiceObject.class);
        boolean unknownStack = services.stream()
                .anyMatch(service -> service.stack() != null && !stackNames.containsKey(service.stack()));
        // One listing names every stack at once, rather than one GET per stack.
        if (unknownStack) {
            listAll(paths.stacks(), StackObject.class)
                    .forEach(stack -> stackNames.put(stack.resourceUri(), stack.name()));
        }
        return services.stream().map(this::toService).toList();
    }

    @Override
    public Service service(String id) {
        return toService(http.get(paths.service(id), ServiceObject.class));
    }

    @Override
    public Redeployment redeploy(Service service, boolean reuseVolumes) {
        return redeploy(paths.redeployService(service.id(), reuseVolumes));
    }

    /** Takes what a redeploy returned: a host-relative action URI, an absolute URL, or a bare uuid. */
    @Override
    public Action action(String actionId) {
        HttpUrl url = actionId.contains("/") ? follow(paths.root(), actionId, "the action URI")
                : paths.action(actionId);
        ActionObject action = http.get(url, ActionObject.class);
        return new Action(actionId, ActionState.parse(action.state()), action.state(), uuidOf(action.object()),
                action.action());
    }

    @Override
    public List<Container> containers(Service service) {
        return listAll(paths.containers(serviceUri(service.id())), ContainerObject.class).stream()
                .map(TutumPlatform::toContainer)
                // The API lists recently terminated containers too; they are no longer the service's.
                .filter(container -> container.state() != ContainerState.TERMINATED)
                .toList();
    }

    @Override
    public Container container(String id) {
        return toContainer(http.get(paths.container(id), ContainerObject.class));
    }

    @Override
    public Redeployment redeploy(Container container, boolean reuseVolumes) {
        return redeploy(paths.redeployContainer(container.id(), reuseVolumes));
    }

    @Override
    public String describe() {
        String name = config.flavor() == TutumConfig.Flavor.TUTUM ? "Tutum" : "Docker Cloud";
        String namespace = config.flavor() == TutumConfig.Flavor.DOCKERCLOUD && config.namespace() != null
                ? " (namespace " + config.namespace() + ")" : "";
        return name + " at " + paths.display() + namespace;
    }

    private Redeployment redeploy(HttpUrl url) {
        String action = http.post(url).get(actionHeader);
        return new Redeployment(action == null || action.isBlank() ? null : action.strip());
    }

    /** Every page of a list, following {@code meta.next} until it is null. */
    private <T> List<T> listAll(HttpUrl first, Class<T> type) {
        List<T> all = new ArrayList<>();
        Set<HttpUrl> read = new HashSet<>();
        HttpUrl url = first;
        while (url != null) {
            read.add(url);
            Page<T> page = http.get(url, http.pageOf(type));
            all.addAll(page.objects());
            HttpUrl next = page.next() == null ? null : follow(url, page.next(), "meta.next of GET " + pathOf(url));
            if (next != null && read.contains(next)) {
                String request = "GET " + pathOf(url);
                throw PlatformException.decode("GET", pathOf(url), 0, request + " answered a meta.next ("
                        + pathOf(next) + ") that was already read: the API's paging loops", null);
            }
            url = next;
        }
        return all;
    }

    /**
     * A URL the API handed out (meta.next, a resource or action URI), resolved against {@code from}. Only the
     * configured host is followed, so that the credentials never go anywhere else.
     */
    private HttpUrl follow(HttpUrl from, String reference, String what) {
        HttpUrl url = from.resolve(reference.strip());
        HttpUrl root = paths.root();
        if (url == null) {
            throw PlatformException.decode("GET", pathOf(from), 0, what + " is not a URL", null);
        }
        if (!url.scheme().equals(root.scheme()) || !url.host().equals(root.host()) || url.port() != root.port()) {
            throw PlatformException.decode("GET", pathOf(url), 0, what + " points to another host (" + url.host()
                    + "), which zdd does not follow with the credentials for " + paths.display(), null);
        }
        return url;
    }

    private Service toService(ServiceObject service) {
        serviceUris.put(service.uuid(), service.resourceUri());
        List<String> containerIds = service.containers().stream().map(TutumPaths::uuidOf)
                .filter(Objects::nonNull).toList();
        return new Service(service.uuid(), service.name(), stackName(service.stack()),
                ServiceState.parse(service.state()), service.state(), service.runningNumContainers(),
                service.targetNumContainers(), containerIds);
    }

    /** The service's resource URI as the API spells it (Docker Cloud's holds a namespace zdd may not know). */
    private String serviceUri(String id) {
        String uri = serviceUris.get(id);
        if (uri == null) {
            uri = http.get(paths.service(id), ServiceObject.class).resourceUri();
            serviceUris.put(id, uri);
        }
        return uri;
    }

    private String stackName(String stackUri) {
        if (stackUri == null) {
            return null;
        }
        String name = stackNames.get(stackUri);
        if (name == null) {
            try {
                name = http.get(follow(paths.root(), stackUri, "a service's stack URI"), StackObject.class).name();
            } catch (PlatformException e) {
                // A stack gone for good (a terminated service may outlive it) must not fail the whole listing.
                if (e.isNotFound()) {
                    return null;
                }
                throw e;
            }
            stackNames.put(stackUri, name);
        }
        return name;
    }

    private static Container toContainer(ContainerObject container) {
        List<URI> endpoints = new ArrayList<>();
        for (Port port : container.containerPorts()) {
            URI endpoint = httpEndpoint(port.endpointUri());
            if (endpoint != null) {
                endpoints.add(endpoint);
            }
        }
        return new Container(container.uuid(), container.name(), uuidOf(container.service()),
                ContainerState.parse(container.state()), container.state(), endpoints);
    }

    /** An http(s) endpoint URI, or null for an unpublished port, a tcp:// one or one that isn't a URI. */
    private static URI httpEndpoint(String text) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme();
            return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme) ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The API URL as OkHttp takes it, without credentials, query or fragment; plain http only where safe. */
    private static HttpUrl checkedBase(TutumConfig config) {
        URI apiUrl = config.apiUrl();
        HttpUrl url = HttpUrl.parse(apiUrl.toString());
        if (url == null) {
            throw PlatformException.configuration("the API URL must be an http:// or https:// URL, not "
                    + (apiUrl.getScheme() == null ? "one without a scheme" : apiUrl.getScheme() + "://"));
        }
        if (!url.isHttps() && !config.insecureHttp() && !isLoopback(url.host())) {
            throw PlatformException.configuration("refusing plain http to " + url.host()
                    + ": the credentials would cross the network unencrypted; use https, or pass --insecure-http");
        }
        HttpUrl.Builder base = url.newBuilder().username("").password("").query(null).fragment(null);
        // A trailing slash makes the URL's path a prefix that the API's own paths are appended to.
        return url.encodedPath().endsWith("/") ? base.build() : base.addPathSegment("").build();
    }

    /** Loopback by its literal name or address only: resolving a name would already reach the network. */
    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || IPV4_LOOPBACK.matcher(host).matches();
    }
}
