package dev.zdd.platform;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A platform in memory for engine and command tests. Each service's life after a redeploy is a script of frames
 * keyed by the time since the redeploy (on the injected clock, so a fake clock drives it); every call is recorded
 * so a test can assert the exact conversation, and that a dry run only read.
 */
public final class InMemoryPlatform implements Platform {

    /** What the platform reports, from {@code after} the redeploy on, until the next frame. */
    public record Frame(Duration after, ServiceState state, int running, ActionState action, boolean replaced) {
    }

    /** What a redeployed container looks like from {@code after} on; {@code newId}: a new object replaced it. */
    public record ContainerFrame(Duration after, ContainerState state, ActionState action, boolean newId) {
    }

    /** One container redeploy in progress or done. */
    private record ContainerRedeploy(Container old, Instant at, String actionId) {
    }

    private final Clock clock;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, List<Frame>> scripts = new LinkedHashMap<>();
    private final Map<String, Instant> redeployedAt = new LinkedHashMap<>();
    private final Map<String, String> actionToService = new LinkedHashMap<>();
    private final Map<String, RuntimeException> failOnRedeploy = new LinkedHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, List<Container>> containers = new LinkedHashMap<>();
    private final Map<String, List<ContainerFrame>> containerScripts = new LinkedHashMap<>();
    private final Map<String, ContainerRedeploy> containerRedeploys = new LinkedHashMap<>();
    private int nextPort = 10_000;
    private boolean withActions = true;
    private Changes changes = Changes.NONE;
    private Capabilities capabilities = Capabilities.ALL;
    private final Map<String, List<Action>> unfinished = new LinkedHashMap<>();
    private final Map<String, Duration> watchedFor = new LinkedHashMap<>();
    private final Map<String, Duration> undoneAfter = new LinkedHashMap<>();
    private final Map<String, Duration> replacedAfter = new LinkedHashMap<>();
    private boolean honoursDeadlines;
    private Instant callsDeadline;
    /** Each service's image, when the test gave one; and the registry: a tag's digest, or a refusal's reason. */
    private final Map<String, String> images = new LinkedHashMap<>();
    private final Map<String, String> registry = new LinkedHashMap<>();

    public InMemoryPlatform(Clock clock) {
        this.clock = clock;
    }

    /** Adds a live service; returns it. */
    public Service add(String name, String stack, ServiceState state, int running, int target) {
        String id = UUID.nameUUIDFromBytes((name + "." + stack + services.size()).getBytes()).toString();
        Service service = new Service(id, name, stack, state, state.label(), running, target,
                List.of(id + "-c1"));
        services.put(id, service);
        List<Container> own = new ArrayList<>();
        for (int n = 1; n <= target; n++) {
            own.add(new Container(id + "-container-" + n, name + "-" + n, id, ContainerState.RUNNING, null,
                    List.of(URI.create("http://127.0.0.1:" + nextPort++ + "/"))));
        }
        containers.put(id, own);
        return service;
    }

    /** Replaces a service's containers, e.g. with ones that publish no HTTP port. */
    public void setContainers(Service service, List<Container> list) {
        containers.put(service.id(), new ArrayList<>(list));
    }

    /** The frames every container redeploy of this service goes through. */
    public InMemoryPlatform containerScript(Service service, ContainerFrame... frames) {
        List<ContainerFrame> list = new ArrayList<>(List.of(frames));
        list.sort(Comparator.comparing(ContainerFrame::after));
        containerScripts.put(service.id(), list);
        return this;
    }

    /** The usual container redeploy: a new object Starting at once, Running after {@code took}. */
    public InMemoryPlatform healthyContainers(Service service, Duration took) {
        return containerScript(service,
                new ContainerFrame(Duration.ZERO, ContainerState.STARTING, ActionState.IN_PROGRESS, true),
                new ContainerFrame(took, ContainerState.RUNNING, ActionState.SUCCESS, true));
    }

    /** Adds a running service with one container. */
    public Service add(String name) {
        return add(name, null, ServiceState.RUNNING, 1, 1);
    }

    /** The frames a redeploy of this service goes through. */
    public InMemoryPlatform script(Service service, Frame... frames) {
        List<Frame> list = new ArrayList<>(List.of(frames));
        list.sort(Comparator.comparing(Frame::after));
        scripts.put(service.id(), list);
        return this;
    }

    /** The usual healthy redeploy: Redeploying at once, back Running (new containers) after {@code took}. */
    public InMemoryPlatform healthy(Service service, Duration took) {
        return script(service,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false),
                new Frame(took, ServiceState.RUNNING, service.target(), ActionState.SUCCESS, true));
    }

    /** Redeploys answer without an action (no X-Tutum-Action-URI header). */
    public InMemoryPlatform withoutActions() {
        this.withActions = false;
        return this;
    }

    /** What {@link #changes()} hands out: the platform's announcements, scripted by the test. */
    public InMemoryPlatform announcing(Changes scripted) {
        this.changes = scripted;
        return this;
    }

    /** What the platform says it can do, e.g. Swarm's: no container redeploys. */
    public InMemoryPlatform withCapabilities(Capabilities value) {
        this.capabilities = value;
        return this;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Another client's action on the service, unfinished until {@link #finishActions}. */
    public synchronized void startAction(Service service, String name) {
        unfinished.computeIfAbsent(service.id(), id -> new ArrayList<>())
                .add(new Action("/api/v1/action/" + UUID.randomUUID() + "/", ActionState.IN_PROGRESS, null,
                        service.id(), name));
    }

    public synchronized void finishActions(Service service) {
        unfinished.remove(service.id());
    }

    @Override
    public synchronized Map<String, List<Action>> unfinishedActions(List<Service> of) {
        calls.add("actions " + of.stream().map(Service::name).toList());
        Map<String, List<Action>> result = new LinkedHashMap<>();
        for (Service s : of) {
            List<Action> actions = new ArrayList<>(unfinished.getOrDefault(s.id(), List.of()));
            // A redeploy the platform still watches is unfinished for anyone who asks, as Swarm's monitored update.
            Duration watched = watchedFor.get(s.id());
            Instant at = redeployedAt.get(s.id());
            if (watched != null && at != null && Duration.between(at, clock.instant()).compareTo(watched) < 0) {
                actionToService.forEach((action, service) -> {
                    if (service.equals(s.id())) {
                        actions.clear();
                        actions.add(new Action(action, ActionState.IN_PROGRESS, "In progress (watched)", s.id(),
                                null));
                    }
                });
            }
            result.put(s.id(), List.copyOf(actions));
        }
        return result;
    }

    @Override
    public Changes changes() {
        calls.add("changes");
        return changes;
    }

    /** The service is defined with this image (a tag, maybe pinned to a digest: {@code repo:tag@sha256:...}). */
    public InMemoryPlatform image(Service service, String image) {
        images.put(service.id(), image);
        return this;
    }

    /** The registry's current digest for a tag ({@code repo:tag}); a tag it was not told of is unknown. */
    public InMemoryPlatform push(String tag, String digest) {
        registry.put(tag, digest);
        return this;
    }

    /** The service's image now, as the test set it or the last redeploy rolled it. */
    public synchronized String imageOf(Service service) {
        return images.get(service.id());
    }

    /**
     * Plans as Swarm does: the reference (the service's own, or the one asked for) resolved to the registry's
     * digest for its tag, unless resolving is turned off. Read-only: a dry run stays one.
     */
    @Override
    public synchronized ImagePlan image(Service service, ImageRequest request) {
        String before = images.get(service.id());
        String wanted = request.image() != null ? request.image() : before;
        if (wanted == null) {
            return ImagePlan.UNKNOWN; // a test that gives no image sees no call about one
        }
        calls.add("image " + services.get(service.id()).name());
        if (!request.resolve()) {
            return new ImagePlan(before, wanted, request.changes());
        }
        String tag = wanted.contains("@") ? wanted.substring(0, wanted.indexOf('@')) : wanted;
        String digest = registry.get(tag);
        if (digest == null) {
            throw new ImageUnavailableException(tag, "manifest unknown: manifest unknown");
        }
        return new ImagePlan(before, tag + "@" + digest, true);
    }

    @Override
    public synchronized Redeployment redeploy(Service service, RedeployRequest request) {
        if (request.setsImage()) {
            calls.add("set image " + services.get(service.id()).name() + " " + request.image().after());
            images.put(service.id(), request.image().after());
        }
        return redeploy(service, request.reuseVolumes());
    }

    @Override
    public synchronized Redeployment redeploy(Container container, RedeployRequest request) {
        if (request.setsImage()) {
            calls.add("set image " + services.get(container.serviceId()).name() + " " + request.image().after());
            images.put(container.serviceId(), request.image().after());
        }
        return redeploy(container, request.reuseVolumes());
    }

    public InMemoryPlatform failRedeploy(Service service, RuntimeException failure) {
        failOnRedeploy.put(service.id(), failure);
        return this;
    }

    /** Changes a service's state from outside, as another user or the platform would. */
    public void set(Service service, ServiceState state, int running) {
        services.put(service.id(), services.get(service.id()).withState(state, running));
    }

    /** Every call so far, e.g. {@code services}, {@code service web-1}, {@code redeploy web-1}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The services redeployed so far, in order. */
    public List<String> redeployed() {
        return calls.stream().filter(c -> c.startsWith("redeploy ")).map(c -> c.substring(9)).toList();
    }

    @Override
    public synchronized List<Service> services() {
        calls.add("services");
        return services.values().stream().map(this::current).toList();
    }

    @Override
    public synchronized Service service(String id) {
        Service service = services.get(id);
        if (service == null) {
            calls.add("service " + id);
            throw PlatformException.status("GET", "/api/v1/service/" + id + "/", 404, "not found");
        }
        calls.add("service " + service.name());
        return current(service);
    }

    @Override
    public synchronized Redeployment redeploy(Service service, boolean reuseVolumes) {
        calls.add("redeploy " + service.name() + (reuseVolumes ? "" : " reuse_volumes=false"));
        RuntimeException failure = failOnRedeploy.get(service.id());
        if (failure != null) {
            throw failure;
        }
        redeployedAt.put(service.id(), clock.instant());
        if (!withActions) {
            return new Redeployment(null);
        }
        String actionId = "/api/v1/action/" + UUID.randomUUID() + "/";
        actionToService.put(actionId, service.id());
        return new Redeployment(actionId);
    }

    @Override
    public synchronized Action action(String actionId) {
        if (honoursDeadlines && callsDeadline != null && !clock.instant().isBefore(callsDeadline)) {
            throw PlatformException.deadline("GET", actionId, "the run's limit has passed", null);
        }
        String serviceId = actionToService.get(actionId);
        calls.add("action " + services.get(serviceId).name());
        ContainerRedeploy containerRedeploy = containerRedeploys.values().stream()
                .filter(r -> r.actionId().equals(actionId)).findFirst().orElse(null);
        if (containerRedeploy != null) {
            ContainerFrame frame = containerFrame(containerRedeploy.old().name(), serviceId);
            return new Action(actionId, frame == null ? ActionState.PENDING : frame.action());
        }
        Frame frame = frame(serviceId);
        ActionState state = frame == null ? ActionState.PENDING : frame.action();
        Duration since = Duration.between(redeployedAt.get(serviceId), clock.instant());
        Duration undone = undoneAfter.get(serviceId);
        if (undone != null && since.compareTo(undone) >= 0) {
            return new Action(actionId, ActionState.FAILED, "Failed (rolled back)", serviceId, null);
        }
        Duration replaced = replacedAfter.get(serviceId);
        if (replaced != null && since.compareTo(replaced) >= 0) {
            return new Action(actionId, ActionState.CANCELED, "Canceled (replaced)", serviceId, null);
        }
        Duration watched = watchedFor.get(serviceId);
        boolean settling = watched != null && since.compareTo(watched) < 0;
        return new Action(actionId, state, null, serviceId, null, settling);
    }

    /**
     * Someone else changes the service this long after zdd's redeploy, in a way that keeps the redeploy's id (Swarm:
     * an image update keeps ForceUpdate): zdd's action reads Canceled then, while the platform still watches the
     * service under that id.
     */
    public synchronized InMemoryPlatform replaces(Service service, Duration after) {
        replacedAfter.put(service.id(), after);
        return this;
    }

    /** From now on, reading an action past the deadline of {@link #callsUntil} is refused, as the real clients do. */
    public synchronized InMemoryPlatform honoursDeadlines() {
        honoursDeadlines = true;
        return this;
    }

    @Override
    public synchronized void callsUntil(Instant deadline) {
        callsDeadline = deadline;
    }

    /**
     * The platform keeps watching a redeploy of the service for this long after it was sent, as Swarm monitors an
     * update: its Success reads as settling until then.
     */
    public synchronized InMemoryPlatform watches(Service service, Duration forThatLong) {
        watchedFor.put(service.id(), forThatLong);
        return this;
    }

    /** The platform undoes the redeploy of the service this long after it was sent: its action fails then. */
    public synchronized InMemoryPlatform undoes(Service service, Duration after) {
        undoneAfter.put(service.id(), after);
        return this;
    }

    @Override
    public synchronized List<Container> containers(Service service) {
        calls.add("containers " + service.name());
        return containers.getOrDefault(service.id(), List.of()).stream().map(this::current).toList();
    }

    @Override
    public synchronized Container container(String id) {
        return containers.values().stream().flatMap(List::stream).filter(c -> c.id().equals(id))
                .map(this::current).findFirst()
                .orElseThrow(() -> PlatformException.status("GET", "/api/v1/container/" + id + "/", 404, "gone"));
    }

    @Override
    public synchronized Redeployment redeploy(Container container, boolean reuseVolumes) {
        calls.add("redeploy container " + container.name());
        String actionId = "/api/v1/action/" + UUID.randomUUID() + "/";
        containerRedeploys.put(container.name(), new ContainerRedeploy(container, clock.instant(), actionId));
        actionToService.put(actionId, container.serviceId());
        return new Redeployment(withActions ? actionId : null);
    }

    /** The container as it looks now, after any redeploy of it. */
    private Container current(Container stored) {
        ContainerFrame frame = containerFrame(stored.name(), stored.serviceId());
        if (frame == null) {
            return stored;
        }
        String id = frame.newId() ? stored.id() + "-new" : stored.id();
        return new Container(id, stored.name(), stored.serviceId(), frame.state(), null, stored.httpEndpoints());
    }

    private ContainerFrame containerFrame(String name, String serviceId) {
        ContainerRedeploy redeploy = containerRedeploys.get(name);
        List<ContainerFrame> frames = containerScripts.get(serviceId);
        if (redeploy == null || frames == null) {
            return null;
        }
        Duration since = Duration.between(redeploy.at(), clock.instant());
        ContainerFrame current = null;
        for (ContainerFrame frame : frames) {
            if (frame.after().compareTo(since) <= 0) {
                current = frame;
            }
        }
        return current;
    }

    @Override
    public String describe() {
        return "the in-memory platform";
    }

    private Service current(Service stored) {
        Frame frame = frame(stored.id());
        if (frame == null) {
            return stored;
        }
        Service now = stored.withState(frame.state(), frame.running());
        return frame.replaced() ? now.withContainerIds(List.of(stored.id() + "-c2")) : now;
    }

    /** The frame in force now, or null before the first redeploy (or when the service has no script). */
    private Frame frame(String serviceId) {
        Instant at = redeployedAt.get(serviceId);
        List<Frame> frames = scripts.get(serviceId);
        if (at == null || frames == null) {
            return null;
        }
        Duration since = Duration.between(at, clock.instant());
        Frame current = null;
        for (Frame frame : frames) {
            if (frame.after().compareTo(since) <= 0) {
                current = frame;
            }
        }
        return current;
    }
}
