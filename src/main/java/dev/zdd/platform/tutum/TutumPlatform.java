package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.pathOf;
import static dev.zdd.platform.tutum.TutumPaths.uuidOf;

import dev.zdd.log.Loggers;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RedeployRequest;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.platform.tutum.ApiObjects.ActionObject;
import dev.zdd.platform.tutum.ApiObjects.ContainerObject;
import dev.zdd.platform.tutum.ApiObjects.Page;
import dev.zdd.platform.tutum.ApiObjects.Port;
import dev.zdd.platform.tutum.ApiObjects.ServiceObject;
import dev.zdd.platform.tutum.ApiObjects.StackObject;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.slf4j.Logger;

/** Tutum and Docker Cloud over their REST API. */
public final class TutumPlatform implements Platform {

    private static final Logger LOG = Loggers.get(TutumPlatform.class);
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    /** A redeploy is sent at most twice: a second lost answer means the network is too unreliable to tell. */
    private static final int MAX_SENDS = 2;

    private final TutumConfig config;
    private final Sleeper sleeper;
    private final TutumPaths paths;
    private final TutumHttp http;
    private final String actionHeader;
    /** The events stream, or null to poll only. */
    private final HttpUrl events;
    /** Stack names by resource URI: a stack's name never changes. */
    private final Map<String, String> stackNames = new ConcurrentHashMap<>();
    /** Service resource URIs by uuid, as {@link #services()} and {@link #service} saw them. */
    private final Map<String, String> serviceUris = new ConcurrentHashMap<>();
    /** Container resource URIs by uuid, as {@link #containers} and {@link #container} saw them. */
    private final Map<String, String> containerUris = new ConcurrentHashMap<>();
    /**
     * Each service's {@code image_name} as the last read of it said (a listing has it too): the run's image plan
     * comes right after the listing that resolved its targets, and needs no second read of each.
     */
    private final Map<String, String> imageNames = new ConcurrentHashMap<>();

    /** With the system clock, real waits and unseeded jitter. */
    public TutumPlatform(TutumConfig config) {
        this(config, Clock.systemUTC(), Sleeper.SYSTEM, RandomGenerator.getDefault());
    }

    /**
     * Refuses, before any connection, a plain {@code http://} URL to a non-loopback host unless
     * {@link TutumConfig#insecureHttp()}, a proxy variable that is not a proxy URL, and a {@code caCert} that
     * can't be read; throws {@link PlatformException} of kind CONFIGURATION.
     *
     * @param clock   "now", for {@code Retry-After} dates and deadlines
     * @param sleeper waits between tries
     * @param random  the jitter of those waits
     */
    public TutumPlatform(TutumConfig config, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        HttpUrl base = checkedBase(config);
        this.paths = new TutumPaths(config.flavor(), base, config.namespace());
        this.http = new TutumHttp(config, paths.root(), paths.display(), clock, sleeper,
                Objects.requireNonNull(random, "random"));
        this.actionHeader = config.flavor() == TutumConfig.Flavor.TUTUM
                ? "X-Tutum-Action-URI" : "X-DockerCloud-Action-URI";
        this.events = config.streamUrl() == null ? null : paths.events(checkedStream(config));
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
        return redeploy("service", service.id(), paths.redeployService(service.id(), reuseVolumes));
    }

    /**
     * The service's {@code image_name}, and what its redeploy pulls: the same tag (Tutum and Docker Cloud pull its
     * newest image at every redeploy), or the {@code --image} asked for. Their registries can't be asked from here,
     * so nothing is resolved: a tag that does not exist fails the redeploy's action, which fails the service at once.
     */
    @Override
    public ImagePlan image(Service service, ImageRequest request) {
        String before = imageNames.get(service.id());
        if (before == null) {
            before = http.get(paths.service(service.id()), ServiceObject.class).imageName();
        }
        return request.changes() ? new ImagePlan(before, request.image(), true) : new ImagePlan(before, before, false);
    }

    /** With a new image: {@code PATCH} the service's {@code image} first, as {@code tutum service set --image} did. */
    @Override
    public Redeployment redeploy(Service service, RedeployRequest request) {
        if (request.setsImage()) {
            setImage(service.id(), request.image().after());
        }
        return redeploy(service, request.reuseVolumes());
    }

    @Override
    public Redeployment redeploy(Container container, RedeployRequest request) {
        if (request.setsImage()) {
            setImage(container.serviceId(), request.image().after());
        }
        return redeploy(container, request.reuseVolumes());
    }

    /** Sets the service's image; it takes effect at the next redeploy, which follows at once. */
    private void setImage(String serviceId, String image) {
        LOG.info("setting the image of service {} to {}", serviceId, image);
        http.patch(paths.service(serviceId), Map.of("image", image));
    }

    /** Takes what a redeploy returned: a host-relative action URI, an absolute URL, or a bare uuid. */
    @Override
    public Action action(String actionId) {
        HttpUrl url = actionId.contains("/") ? follow(paths.root(), actionId, "the action URI")
                : paths.action(actionId);
        if (!TutumPaths.isUuid(uuidOf(url.encodedPath()))) {
            throw PlatformException.decode("GET", null, 0, "the action '" + actionId + "' does not end in a uuid;"
                    + " zdd builds no request from it", null);
        }
        ActionObject action = http.get(url, ActionObject.class);
        return new Action(actionId, ActionState.parse(action.state()), action.state(), uuidOf(action.object()),
                action.action());
    }

    @Override
    public List<Container> containers(Service service) {
        return listAll(paths.containers(serviceUri(service.id())), ContainerObject.class).stream()
                .map(this::toContainer)
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
        return redeploy("container", container.id(), paths.redeployContainer(container.id(), reuseVolumes));
    }

    /**
     * The Pending and In progress actions on the services, their containers or their stacks. The API filters
     * actions by object or by state, never both, so zdd lists the account's unfinished actions (two short lists,
     * read once for all the services) and keeps those on each service's objects, rather than page through every
     * service's whole history.
     */
    @Override
    public Map<String, List<Action>> unfinishedActions(List<Service> services) {
        if (services.isEmpty()) {
            return Map.of();
        }
        Map<String, String> owners = new HashMap<>();
        for (Service service : services) {
            owners.put(uuidOf(serviceUri(service.id())), service.id());
            service.containerIds().forEach(container -> owners.put(container, service.id()));
            if (service.stack() != null) {
                stackNames.forEach((uri, name) -> {
                    if (name.equals(service.stack())) {
                        owners.put(uuidOf(uri), service.id());
                    }
                });
            }
        }
        Map<String, List<Action>> unfinished = new HashMap<>();
        for (List<ActionObject> actions : unfinishedActionObjects()) {
            for (ActionObject action : actions) {
                ActionState now = ActionState.parse(action.state());
                String owner = action.object() == null ? null : owners.get(uuidOf(action.object()));
                if (owner != null && !now.isFinished()) {
                    String id = action.resourceUri() != null ? action.resourceUri() : action.uuid();
                    unfinished.computeIfAbsent(owner, o -> new ArrayList<>())
                            .add(new Action(id, now, action.state(), uuidOf(action.object()), action.action()));
                }
            }
        }
        return unfinished;
    }

    /**
     * The account's Pending and In progress actions: two reads, at once (the second on a thread of its own), since
     * every step before a redeploy waits for them.
     */
    private List<List<ActionObject>> unfinishedActionObjects() {
        FutureTask<List<ActionObject>> pending = new FutureTask<>(
                () -> listAll(paths.actionsInState(ActionState.PENDING.label()), ActionObject.class));
        Thread reader = new Thread(pending, "zdd-actions");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            List<ActionObject> inProgress = listAll(paths.actionsInState(ActionState.IN_PROGRESS.label()),
                    ActionObject.class);
            List<List<ActionObject>> both = List.of(pending.get(), inProgress);
            done = true;
            return both;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            String path = pathOf(paths.actionsInState(ActionState.PENDING.label()));
            throw PlatformException.transport("GET", path, "GET " + path + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (!done) {
                pending.cancel(true);
            }
        }
    }

    @Override
    public void callsUntil(Instant deadline) {
        http.callsUntil(deadline);
    }

    /** The events stream, connecting in the background; {@link Changes#NONE} when configured to poll only. */
    @Override
    public Changes changes() {
        return events == null ? Changes.NONE : new TutumEvents(http, events).open();
    }

    @Override
    public String describe() {
        String name = config.flavor() == TutumConfig.Flavor.TUTUM ? "Tutum" : "Docker Cloud";
        String namespace = config.flavor() == TutumConfig.Flavor.DOCKERCLOUD && config.namespace() != null
                ? " (namespace " + config.namespace() + ")" : "";
        return name + " at " + paths.display() + namespace;
    }

    /**
     * POSTs a redeploy of a service or container. When the answer is lost after the request went out, the
     * platform may or may not have started the redeploy: a redeploy action on the object that was not there before
     * the POST (or, for a service, its state) says which. An accepted redeploy is adopted; only one that
     * demonstrably did not start is sent again. No clock is compared with the platform's: the actions listed just
     * before the POST are the line between old and new, whatever either machine's clock says.
     */
    private Redeployment redeploy(String kind, String id, HttpUrl url) {
        String objectUri = kind.equals("service") ? serviceUri(id) : containerUri(id);
        Set<String> before;
        PlatformException unlisted = null;
        try {
            before = redeployActions(kind, id, objectUri).keySet();
        } catch (PlatformException e) {
            if (e.isDeadline() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            // The redeploy itself may still work: only a lost answer will need what this listing would have said.
            LOG.info("the {}'s actions can't be listed ({}); should the redeploy's answer be lost, whether it"
                     + " started can't be told", kind, e.getMessage());
            before = null;
            unlisted = e;
        }
        for (int send = 1; ; send++) {
            try {
                String action = http.post(url).get(actionHeader);
                return new Redeployment(action == null || action.isBlank() ? null : action.strip());
            } catch (UnknownOutcomeException lost) {
                if (before == null) {
                    if (kind.equals("service") && started(id, lost)) {
                        return new Redeployment(null);
                    }
                    throw unknown(kind, lost, unlisted);
                }
                LOG.info("{}; looking at the {}'s actions to learn whether the redeploy started",
                        lost.getMessage(), kind);
                Map<String, ActionObject> after = lookUp(kind, id, objectUri, lost);
                Optional<Redeployment> accepted = adopted(kind, id, before, after);
                if (accepted.isEmpty() && kind.equals("service") && started(id, lost)) {
                    LOG.info("the redeploy of service {} did start: it is Redeploying", id);
                    accepted = Optional.of(new Redeployment(null));
                }
                if (accepted.isPresent()) {
                    return accepted.get();
                }
                if (send == MAX_SENDS) {
                    throw lost.withMessage(lost.getMessage()
                            + " (sent twice, and neither time did the redeploy start)");
                }
                before = after.keySet();
                LOG.info("the redeploy of {} {} did not start; sending it again", kind, id);
            }
        }
    }

    /** The redeploy actions that appeared on the object since {@code before}: any of them is this redeploy. */
    private static Optional<Redeployment> adopted(String kind, String id, Set<String> before,
                                                  Map<String, ActionObject> after) {
        for (Map.Entry<String, ActionObject> action : after.entrySet()) {
            if (!before.contains(action.getKey())) {
                LOG.info("the redeploy of {} {} did start: following its action {}", kind, id, action.getKey());
                return Optional.of(new Redeployment(action.getKey()));
            }
        }
        return Optional.empty();
    }

    /** The object's redeploy actions after a lost answer; throws when they can't be read. */
    private Map<String, ActionObject> lookUp(String kind, String id, String objectUri, PlatformException lost) {
        try {
            // Let the platform finish recording what it may be doing before reading its records.
            sleeper.sleep(config.retry().lookupDelay());
            return redeployActions(kind, id, objectUri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PlatformException.transport(lost.method(), lost.path(), lost.method() + " " + lost.path()
                    + " was interrupted while looking whether the redeploy started", e);
        } catch (PlatformException e) {
            throw unknown(kind, lost, e);
        }
    }

    /** Whether the service is Redeploying now (after a lost answer, with no new action to show for it). */
    private boolean started(String id, PlatformException lost) {
        try {
            return ServiceState.parse(http.get(paths.service(id), ServiceObject.class).state())
                   == ServiceState.REDEPLOYING;
        } catch (PlatformException e) {
            throw unknown("service", lost, e);
        }
    }

    private static PlatformException unknown(String kind, PlatformException lost, PlatformException e) {
        if (Thread.currentThread().isInterrupted() || e.isDeadline()) {
            return e.isDeadline() ? e.withMessage(lost.getMessage() + "; whether the redeploy started is unknown ("
                    + e.getMessage() + "): look at the " + kind + " before running zdd again") : e;
        }
        return new PlatformException(lost.kind(), lost.method(), lost.path(), lost.status(), lost.getMessage()
                + "; whether the redeploy started is unknown (" + e.getMessage() + "): look at the " + kind
                + " before running zdd again", e);
    }

    /**
     * The object's redeploy actions, by their resource URI (or uuid), in the API's order. Any action whose
     * request was a redeploy of the object counts, whoever sent it: adopting a concurrent one redeploys the object
     * once, which is what was asked.
     */
    private Map<String, ActionObject> redeployActions(String kind, String id, String objectUri) {
        String suffix = "/" + kind + "/" + id + "/redeploy/";
        Map<String, ActionObject> found = new LinkedHashMap<>();
        for (ActionObject action : listAll(paths.actionsOn(objectUri), ActionObject.class)) {
            String path = action.path() == null ? null : action.path().replaceFirst("\\?.*", "");
            boolean redeploy = path != null ? path.endsWith(suffix) : action.action() != null
                    && action.action().toLowerCase(Locale.ROOT).contains("redeploy");
            if (!redeploy || (action.method() != null && !action.method().equalsIgnoreCase("POST"))) {
                continue;
            }
            String identity = action.resourceUri() != null ? action.resourceUri() : action.uuid();
            if (identity != null) {
                found.put(identity.strip(), action);
            }
        }
        return found;
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
            // The origin, not only the host: another port on the same host is another server.
            throw PlatformException.decode("GET", pathOf(url), 0, what + " points to another origin ("
                    + TutumHttp.origin(url) + "), which zdd does not follow with the credentials for "
                    + paths.display(), null);
        }
        return url;
    }

    private Service toService(ServiceObject service) {
        requireUuid("a service", service.uuid());
        serviceUris.put(service.uuid(), service.resourceUri());
        if (service.imageName() != null) {
            imageNames.put(service.uuid(), service.imageName());
        }
        List<String> containerIds = service.containers().stream().map(TutumPaths::uuidOf)
                .filter(Objects::nonNull).toList();
        containerIds.forEach(id -> requireUuid("a container of service " + service.uuid(), id));
        return new Service(service.uuid(), service.name(), stackName(service.stack()),
                ServiceState.parse(service.state()), service.state(), service.runningNumContainers(),
                service.targetNumContainers(), containerIds);
    }

    /**
     * An id the API gave, which later requests will carry in their paths: anything but a uuid ({@code ..}, a
     * {@code /}) would make them reach another resource, so the answer is refused as a whole (exit 5).
     */
    private static void requireUuid(String what, String id) {
        if (!TutumPaths.isUuid(id)) {
            throw PlatformException.decode("GET", null, 200, "the API gave " + what + " the id '" + id + "', which is"
                    + " not a uuid; zdd builds no request from it", null);
        }
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

    private String containerUri(String id) {
        String uri = containerUris.get(id);
        if (uri == null) {
            ContainerObject container = http.get(paths.container(id), ContainerObject.class);
            uri = container.resourceUri() != null ? container.resourceUri() : pathOf(paths.container(id));
            containerUris.put(id, uri);
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

    private Container toContainer(ContainerObject container) {
        requireUuid("a container", container.uuid());
        if (container.resourceUri() != null) {
            containerUris.put(container.uuid(), container.resourceUri());
        }
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

    /**
     * The stream's host as OkHttp takes it ({@code ws} as {@code http}, {@code wss} as {@code https}), under the same
     * rule as the API: the credentials cross the network only encrypted.
     */
    private static HttpUrl checkedStream(TutumConfig config) {
        URI stream = config.streamUrl();
        String scheme = stream.getScheme() == null ? "" : stream.getScheme().toLowerCase(Locale.ROOT);
        HttpUrl url = switch (scheme) {
            case "ws" -> HttpUrl.parse("http" + stream.toString().substring(2));
            case "wss" -> HttpUrl.parse("https" + stream.toString().substring(3));
            default -> null;
        };
        if (url == null) {
            throw PlatformException.configuration("the events stream URL must be a ws:// or wss:// URL, not "
                    + (scheme.isEmpty() ? "one without a scheme" : scheme + "://"));
        }
        if (!url.isHttps() && !config.insecureHttp() && !isLoopback(url.host())) {
            throw PlatformException.configuration("refusing plain ws:// to " + url.host()
                    + ": the credentials would cross the network unencrypted; use wss://, or pass --insecure-http");
        }
        return url.newBuilder().username("").password("").query(null).fragment(null).build();
    }

    /** Loopback by its literal name or address only: resolving a name would already reach the network. */
    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || IPV4_LOOPBACK.matcher(host).matches();
    }
}
