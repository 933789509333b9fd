package dev.zdd.platform.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.log.Loggers;
import dev.zdd.platform.Action;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.ImageReference;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.ImageUnavailableException;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.RedeployRequest;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.platform.swarm.SwarmStates.Mode;
import dev.zdd.platform.swarm.SwarmStates.ServiceView;
import dev.zdd.platform.swarm.SwarmStates.TaskView;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Docker Swarm services over the Docker Engine API of a manager node.
 *
 * <p>A redeploy is what {@code docker service update --force} does: the service's current spec, sent back with
 * {@code TaskTemplate.ForceUpdate} incremented and the spec's version index, so that a concurrent change is
 * refused rather than overwritten. Swarm then replaces the tasks as the service's own update config says; zdd does
 * not change that config. The action of a redeploy is that update, identified by the service and the ForceUpdate
 * value zdd set ({@code <service id>/force-update/<n>}); see {@link SwarmStates#action} for what counts as done.
 *
 * <p>The image: by default the spec's tag (or the {@code --image} asked for) is resolved to the registry's current
 * digest through the engine's own distribution endpoint, as the docker CLI does, and the update sets the spec's
 * image to {@code repo:tag@digest}, so that every node runs the same image, and a tag pushed again is shipped
 * (the docker CLI's {@code --force} re-resolves nothing once the spec pins a digest). The registry's credentials
 * go with the lookup and with the update ({@code X-Registry-Auth}), so that every node can pull; without any, the
 * engine keeps those the service was created with. Without resolving, the spec's image is sent back as it is.
 *
 * <p>Swarm has no per-container redeploy, and no volumes to reuse or not: a task's mounts come from the spec.
 *
 * <p>On a Swarm of several nodes a task's state is what its node last reported: a task counts as running only while
 * its node is Ready and not drained (the nodes are read when everything else says running). With several managers
 * (a comma-separated DOCKER_HOST), requests go on through the next manager when one stops answering; an update whose
 * answer was lost is looked up by the spec's version and ForceUpdate before it is ever sent again.
 */
public final class SwarmPlatform implements Platform, AutoCloseable {

    static final String STACK_LABEL = "com.docker.stack.namespace";
    static final String ACTION_MARK = "/force-update/";
    static final String REGISTRY_AUTH = "X-Registry-Auth";
    private static final Logger LOG = Loggers.get(SwarmPlatform.class);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
    private static final String WANTED_TASKS = "/tasks?filters="
                                               + DockerApi.query(Map.of("desired-state", List.of("running")));
    /** Swarm's message when a task's failure paused an update: "update paused due to failure ... of task ID". */
    private static final Pattern PAUSED_BY_TASK = Pattern.compile("of task ([a-z0-9]+)");

    private final SwarmConfig config;
    private final DockerApi api;
    private final RegistryCredentials registries;
    /** The digest of each reference resolved in this run: every service on one tag gets the same image. */
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    /**
     * The services whose update Swarm has completed while some of their tasks do not run yet, or whose update has a
     * new task that starts, each with its tasks' signature at the last look. The manager announces no task state of
     * other nodes, and no task's move from starting to running on any: the events stream looks at these services'
     * tasks itself and announces them when they change.
     */
    private final Map<String, String> lagging = new ConcurrentHashMap<>();
    /** By service id, the action id of an update down to its monitor period (see {@link #unfinishedActions}). */
    private final Map<String, String> monitoredUpdates = new ConcurrentHashMap<>();

    /**
     * Connects lazily: nothing is sent until the first call. Refuses first, with a {@link PlatformException} of
     * kind CONFIGURATION: plain {@code tcp://} to a host that is not a loopback address unless
     * {@link SwarmConfig#insecureHttp()}, and TLS files that can't be read.
     */
    public SwarmPlatform(SwarmConfig config) {
        this(config, Clock.systemUTC(), Sleeper.SYSTEM, RegistryCredentials.NONE);
    }

    /** With the registry credentials that image lookups and updates send. */
    public SwarmPlatform(SwarmConfig config, RegistryCredentials registries) {
        this(config, Clock.systemUTC(), Sleeper.SYSTEM, registries);
    }

    /** With the clock and the waits between attempts through other managers. */
    public SwarmPlatform(SwarmConfig config, Clock clock, Sleeper sleeper) {
        this(config, clock, sleeper, RegistryCredentials.NONE);
    }

    /** With the clock, the waits between attempts through other managers, and the registry credentials. */
    public SwarmPlatform(SwarmConfig config, Clock clock, Sleeper sleeper, RegistryCredentials registries) {
        if (config.isPlainRemoteTcp() && !config.insecureHttp()) {
            throw PlatformException.configuration("refusing plain TCP to the Docker Engine at "
                    + config.plainRemoteTcpHost() + ": without TLS anyone on the way could take the engine over; set"
                    + " DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or pass --insecure-http");
        }
        this.config = config;
        this.api = new DockerApi(config, clock, sleeper);
        this.registries = registries;
    }

    @Override
    public List<Service> services() {
        JsonNode services = api.get("/services");
        for (JsonNode service : services) {
            segment(service.path("ID").asText());
        }
        Map<String, List<JsonNode>> tasksByService = new HashMap<>();
        // A service's state needs only the tasks Swarm wants running; the rest is history (5 per slot).
        for (JsonNode task : api.get(WANTED_TASKS)) {
            tasksByService.computeIfAbsent(task.path("ServiceID").asText(), k -> new ArrayList<>()).add(task);
        }
        List<Service> result = new ArrayList<>();
        Set<String> down = null;
        for (JsonNode service : services) {
            List<JsonNode> tasks = tasksByService.getOrDefault(service.path("ID").asText(), List.of());
            Service seen = SwarmStates.service(serviceView(service), taskViews(service, tasks, Set.of()));
            if (seen.state() == ServiceState.RUNNING) {
                down = down == null ? nodesDown() : down;
                seen = SwarmStates.service(serviceView(service), taskViews(service, tasks, down));
            }
            result.add(remember(service, seen));
        }
        return result;
    }

    @Override
    public Service service(String id) {
        JsonNode service = inspect(id);
        List<JsonNode> tasks = tasksOf(id);
        Service seen = SwarmStates.service(serviceView(service), taskViews(service, tasks, Set.of()));
        if (seen.state() == ServiceState.RUNNING) {
            seen = SwarmStates.service(serviceView(service), taskViews(service, tasks, nodesDown()));
        }
        return remember(service, seen);
    }

    /**
     * An update down to its monitor period, as the last read of its service saw it: the service serves (Running),
     * but Swarm has not called the update completed, and would still pause or roll it back should a new task fail.
     * For the engine that is an action in progress on the service, like another pipeline's redeploy: preflight refuses
     * such a target, and a step waits for it before it takes another service down, unless the update is the run's own
     * (see {@link dev.zdd.platform.Action#settling()}).
     */
    @Override
    public Map<String, List<Action>> unfinishedActions(List<Service> services) {
        Map<String, List<Action>> busy = new HashMap<>();
        for (Service service : services) {
            String update = monitoredUpdates.get(service.id());
            if (update != null) {
                busy.put(service.id(), List.of(new Action(update, ActionState.IN_PROGRESS,
                        "In progress (Swarm monitors the update)", service.id(), "Service update")));
            }
        }
        return busy;
    }

    private Service remember(JsonNode service, Service seen) {
        String id = service.path("ID").asText();
        if (seen.state() == ServiceState.RUNNING
            && "updating".equals(service.path("UpdateStatus").path("State").asText())) {
            monitoredUpdates.put(id, id + ACTION_MARK + service.path("Spec").path("TaskTemplate").path("ForceUpdate")
                    .asLong(0));
        } else {
            monitoredUpdates.remove(id);
        }
        return seen;
    }

    @Override
    public Redeployment redeploy(Service service, boolean reuseVolumes) {
        return redeploy(service, new RedeployRequest(reuseVolumes, null));
    }

    /**
     * The spec's image, and what the update will set: the reference (the spec's own, or the one asked for) resolved
     * to the registry's current digest, unless resolving is off. Read-only: the lookup is a GET, and the engine
     * asks the registry. The credentials are looked up here too, so that a helper that fails refuses the run
     * before anything is touched.
     */
    @Override
    public ImagePlan image(Service service, ImageRequest request) {
        String before = containerSpec(inspect(service.id()), service.id()).path("Image").asText(null);
        String wanted = request.changes() ? request.image() : before;
        if (wanted == null || wanted.isBlank()) {
            throw new ImageUnavailableException(String.valueOf(wanted), "the service's spec names no image");
        }
        ImageReference reference;
        try {
            reference = ImageReference.parse(wanted);
        } catch (IllegalArgumentException e) {
            if (!request.resolve()) {
                return new ImagePlan(before, wanted, request.changes());
            }
            throw new ImageUnavailableException(wanted, "not an image reference zdd can resolve ("
                    + e.getMessage() + "); pass --no-resolve-image to redeploy it as it is");
        }
        Optional<RegistryAuth> auth = credentials(reference);
        if (!request.resolve()) {
            return new ImagePlan(before, wanted, request.changes());
        }
        // A tag is looked up without the digest it may be pinned to; a reference that is only a digest is checked.
        ImageReference lookup = reference.tag() == null && reference.digest() != null
                ? reference : new ImageReference(reference.domain(), reference.path(), reference.tagOrLatest(), null);
        String digest = digests.get(lookup.toString());
        if (digest == null) {
            digest = distributionDigest(lookup, auth);
            digests.put(lookup.toString(), digest);
        }
        return new ImagePlan(before, lookup.withDigest(digest).toString(), true);
    }

    /**
     * A forced update of the spec as it is, with the planned image set when the request carries one, and the
     * registry's credentials for that image when there are any.
     */
    @Override
    public Redeployment redeploy(Service service, RedeployRequest request) {
        JsonNode current = inspect(service.id());
        long version = current.path("Version").path("Index").asLong(-1);
        if (!current.path("Spec").isObject() || version < 0) {
            throw PlatformException.decode("GET", "/services/" + service.id(), 200,
                    "the service's spec or version is missing from the Docker Engine's answer", null);
        }
        ObjectNode spec = (ObjectNode) current.path("Spec").deepCopy();
        JsonNode template = spec.path("TaskTemplate");
        if (!template.isObject()) {
            template = spec.putObject("TaskTemplate");
        }
        long forceUpdate = template.path("ForceUpdate").asLong(0) + 1;
        ((ObjectNode) template).put("ForceUpdate", forceUpdate);
        Map<String, String> headers = Map.of();
        if (request.image() != null) {
            ObjectNode container = (ObjectNode) containerSpec(spec, service.id());
            if (request.setsImage()) {
                container.put("Image", request.image().after());
            }
            headers = registryHeader(container.path("Image").asText(""));
        }
        String path = "/services/" + segment(service.id()) + "/update?version=" + version;
        Redeployment redeployment = new Redeployment(service.id() + ACTION_MARK + forceUpdate);
        DockerApi.Attempts attempts = api.attempts();
        while (true) {
            try {
                api.post(path, spec, headers);
                return redeployment;
            } catch (PlatformException e) {
                if (!api.severalManagers() || !DockerApi.managerDown(e)) {
                    throw e;
                }
                // The manager went away with the update in flight, or could not take it: whether Swarm has it is
                // looked up through the next manager, by the spec's version and ForceUpdate, before any resend.
                JsonNode now = inspect(service.id());
                long nowVersion = now.path("Version").path("Index").asLong(-1);
                long nowForce = now.path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0);
                if (nowVersion != version) {
                    if (nowForce == forceUpdate) {
                        LOG.info("the update of {} went through before its answer was lost", service.name());
                        return redeployment;
                    }
                    throw PlatformException.status("POST", path, 409, "the service " + service.name() + " was"
                            + " changed by someone else while zdd's update had no answer (" + e.getMessage() + "): zdd"
                            + " did not send it again");
                }
                if (!attempts.another(e)) {
                    throw e;
                }
                LOG.info("the update of {} did not reach Swarm; sending it through {}", service.name(),
                        api.currentHost());
            }
        }
    }

    /** What the engine's distribution endpoint says the reference's manifest digest is now. */
    private String distributionDigest(ImageReference lookup, Optional<RegistryAuth> auth) {
        String path = "/distribution/" + lookup + "/json";
        JsonNode answer;
        try {
            answer = api.get(path, auth.map(a -> Map.of(REGISTRY_AUTH, a.encoded())).orElse(Map.of()));
        } catch (PlatformException e) {
            if (e.kind() != PlatformException.Kind.STATUS) {
                throw e; // the engine itself could not be asked: the platform failed, not the image
            }
            // The engine relays the registry's refusal; say with which credentials it was asked.
            String prefix = "Docker GET " + path + " answered " + e.status() + ": ";
            String reason = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
                    : e.getMessage();
            throw new ImageUnavailableException(lookup.toString(), reason + " (" + (auth.isPresent()
                    ? "credentials for " + lookup.registry() + " from " + auth.get().source()
                    : "no credentials for " + lookup.registry() + " in " + registries.describe()) + ")");
        }
        String digest = answer.path("Descriptor").path("digest").asText("");
        if (!digest.matches("[a-z0-9]+:[0-9a-f]{32,}")) {
            throw PlatformException.decode("GET", path, 200, "Docker GET " + path + " answered no digest", null);
        }
        return digest;
    }

    private Optional<RegistryAuth> credentials(ImageReference reference) {
        try {
            return registries.forImage(reference);
        } catch (RegistryCredentials.CredentialsException e) {
            throw new ImageUnavailableException(reference.toString(), "the registry credentials can't be read: "
                                                                      + e.getMessage());
        }
    }

    /** {@code X-Registry-Auth} for the image's registry, or none (the engine keeps the service's own). */
    private Map<String, String> registryHeader(String image) {
        ImageReference reference;
        try {
            reference = ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
        return credentials(reference).map(a -> Map.of(REGISTRY_AUTH, a.encoded())).orElse(Map.of());
    }

    private static JsonNode containerSpec(JsonNode serviceOrSpec, String id) {
        JsonNode spec = serviceOrSpec.has("Spec") ? serviceOrSpec.path("Spec") : serviceOrSpec;
        JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
        if (!container.isObject()) {
            throw PlatformException.decode("GET", "/services/" + id, 200, "the service's spec has no"
                    + " TaskTemplate.ContainerSpec (a plugin service?): zdd redeploys container services only", null);
        }
        return container;
    }

    @Override
    public Action action(String actionId) {
        int mark = actionId.lastIndexOf(ACTION_MARK);
        long ours;
        try {
            ours = mark > 0 ? Long.parseLong(actionId.substring(mark + ACTION_MARK.length())) : -1;
        } catch (NumberFormatException e) {
            ours = -1;
        }
        if (ours < 1) {
            throw PlatformException.configuration("'" + actionId + "' is not a Swarm update that zdd started");
        }
        String serviceId = actionId.substring(0, mark);
        JsonNode service = inspect(serviceId);
        List<JsonNode> tasks = tasksOf(serviceId);
        ServiceView view = serviceView(service);
        Action action = SwarmStates.action(actionId, ours, view, taskViews(service, tasks, Set.of()));
        Set<String> down = null;
        if (action.state() == ActionState.SUCCESS) {
            down = nodesDown();
            action = SwarmStates.action(actionId, ours, view, taskViews(service, tasks, down));
        }
        if (action.state() == ActionState.IN_PROGRESS && ("completed".equals(view.updateState())
                || "updating".equals(view.updateState()) && newTaskStarting(service, tasks))) {
            lagging.put(serviceId, signature(tasks));
        } else {
            lagging.remove(serviceId);
        }
        if (action.state() == ActionState.FAILED && "paused".equals(view.updateState())) {
            action = explainPause(action, tasks, down);
        }
        return action;
    }

    /**
     * A task of the new spec that Swarm wants running and that does not run yet: its container may have started
     * already, but Swarm calls the task running a moment later, and no event says so.
     */
    private static boolean newTaskStarting(JsonNode service, List<JsonNode> tasks) {
        return taskViews(service, tasks, Set.of()).stream()
                .anyMatch(t -> t.currentSpec() && t.wanted() && !SwarmStates.RUNNING.equals(t.state()));
    }

    /**
     * Swarm pauses an update when a task it was updating ended early, also when its node was drained or went down
     * (nothing wrong with the new spec then): say so.
     */
    private Action explainPause(Action action, List<JsonNode> tasks, Set<String> down) {
        Matcher task = PAUSED_BY_TASK.matcher(action.stateLabel());
        if (!task.find()) {
            return action;
        }
        String node = tasks.stream().filter(t -> task.group(1).equals(t.path("ID").asText()))
                .map(t -> t.path("NodeID").asText("")).findFirst().orElse("");
        if (node.isEmpty() || !(down == null ? nodesDown() : down).contains(node)) {
            return action;
        }
        String label = action.stateLabel().replaceFirst("\\)$", "") + "; that task's node " + nodeName(node)
                       + " is down or drained)";
        return new Action(action.id(), action.state(), label, action.objectId(), action.name());
    }

    @Override
    public List<Container> containers(Service service) {
        throw noContainers();
    }

    @Override
    public Container container(String id) {
        throw noContainers();
    }

    @Override
    public Redeployment redeploy(Container container, boolean reuseVolumes) {
        throw noContainers();
    }

    /** The engine's events, unless {@code --no-stream}; its stream has a client of its own, with no timeout. */
    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, "Swarm rolls a service's tasks itself and publishes no per-task"
                                              + " endpoint; use --ready-url");
    }

    @Override
    public Changes changes() {
        return config.events()
                ? new SwarmEvents(api.hosts(), api::streamClient, new Lagging()).open() : Changes.NONE;
    }

    @Override
    public void callsUntil(Instant deadline) {
        api.callsUntil(deadline);
    }

    @Override
    public String describe() {
        return "Docker Swarm at " + config.describeHosts();
    }

    /** Whether the events stream looks at the service's tasks itself (see {@link #lagging}); for tests. */
    boolean tasksLookedAt(String serviceId) {
        return lagging.containsKey(serviceId);
    }

    /** For the events stream: the services whose tasks move unannounced (see {@link #lagging}). */
    private final class Lagging implements SwarmEvents.Lagging {

        @Override
        public boolean isLagging(String serviceId) {
            return lagging.containsKey(serviceId);
        }

        /** Whether the tasks differ from those the last look judged, so that the service must be looked at again. */
        @Override
        public boolean tasksMoved(String serviceId) {
            String judged = lagging.get(serviceId);
            return judged != null && !signature(tasksOf(serviceId)).equals(judged);
        }
    }

    private static String signature(List<JsonNode> tasks) {
        return tasks.stream().map(t -> t.path("ID").asText() + ":" + t.path("Status").path("State").asText()
                                       + ":" + t.path("DesiredState").asText())
                .sorted().toList().toString();
    }

    /** The nodes that are not Ready, or are drained: a task's "running" there is stale or about to end. */
    private Set<String> nodesDown() {
        Set<String> down = new HashSet<>();
        for (JsonNode node : api.get("/nodes")) {
            if (!"ready".equals(node.path("Status").path("State").asText())
                || "drain".equals(node.path("Spec").path("Availability").asText())) {
                down.add(node.path("ID").asText());
            }
        }
        return down;
    }

    private String nodeName(String nodeId) {
        try {
            String name = api.get("/nodes/" + segment(nodeId)).path("Description").path("Hostname").asText("");
            return name.isEmpty() ? nodeId : name;
        } catch (PlatformException e) {
            return nodeId;
        }
    }

    @Override
    public void close() {
        api.close();
    }

    private static PlatformException noContainers() {
        return PlatformException.configuration("Swarm has no per-container redeploy: zdd redeploys a whole Swarm"
                + " service, and Swarm replaces its tasks as the service's update config says"
                + " (docker service update --update-parallelism/--update-order)");
    }

    /** One service by its full id; GET /services/{x} also takes names and id prefixes, so insist on the id. */
    private JsonNode inspect(String id) {
        String path = "/services/" + segment(id);
        JsonNode service = api.get(path);
        if (!id.equals(service.path("ID").asText())) {
            throw PlatformException.status("GET", path, 404, "no Swarm service has the id " + id);
        }
        return service;
    }

    private List<JsonNode> tasksOf(String serviceId) {
        List<JsonNode> tasks = new ArrayList<>();
        for (JsonNode task : api.get("/tasks?filters=" + DockerApi.query(Map.of("service", List.of(serviceId))))) {
            if (serviceId.equals(task.path("ServiceID").asText())) {
                tasks.add(task);
            }
        }
        return tasks;
    }

    static ServiceView serviceView(JsonNode service) {
        JsonNode spec = service.path("Spec");
        JsonNode mode = spec.path("Mode");
        Mode kind;
        int replicas = 0;
        if (mode.has("Global")) {
            kind = Mode.GLOBAL;
        } else if (mode.has("ReplicatedJob") || mode.has("GlobalJob")) {
            kind = Mode.JOB;
        } else {
            kind = Mode.REPLICATED;
            replicas = mode.path("Replicated").path("Replicas").asInt(1); // the daemon's default when absent
        }
        JsonNode previous = service.path("PreviousSpec");
        JsonNode stack = spec.path("Labels").path(STACK_LABEL);
        JsonNode update = service.path("UpdateStatus");
        return new ServiceView(service.path("ID").asText(), spec.path("Name").asText(),
                stack.isTextual() ? stack.asText() : null, kind, replicas,
                spec.path("TaskTemplate").path("ForceUpdate").asLong(0),
                previous.isObject() ? previous.path("TaskTemplate").path("ForceUpdate").asLong(0) : null,
                update.path("State").isTextual() ? update.path("State").asText() : null,
                update.path("Message").isTextual() ? update.path("Message").asText() : null);
    }

    static List<TaskView> taskViews(JsonNode service, List<JsonNode> tasks) {
        return taskViews(service, tasks, Set.of());
    }

    /** The tasks, those on the nodes in {@code down} marked so. */
    static List<TaskView> taskViews(JsonNode service, List<JsonNode> tasks, Set<String> down) {
        JsonNode template = service.path("Spec").path("TaskTemplate");
        return tasks.stream().map(task -> {
            JsonNode status = task.path("Status");
            String error = status.path("Err").isTextual() ? status.path("Err").asText() : null;
            String node = task.path("NodeID").asText(null);
            return new TaskView(task.path("ID").asText(), node,
                    status.path("State").asText(""), task.path("DesiredState").asText(""), error,
                    sameSpec(task.path("Spec"), template), node == null || !down.contains(node));
        }).toList();
    }

    /**
     * Whether a task runs the service's current spec. Swarm copies the service's task template into each task it
     * creates, so the two are equal, except that the API shows {@code Runtime} on the service only, and an
     * absent {@code ForceUpdate} means 0.
     */
    static boolean sameSpec(JsonNode taskSpec, JsonNode template) {
        if (!taskSpec.isObject() || !template.isObject()) {
            return false;
        }
        if (taskSpec.path("ForceUpdate").asLong(0) != template.path("ForceUpdate").asLong(0)) {
            return false;
        }
        ObjectNode a = ((ObjectNode) taskSpec).deepCopy();
        ObjectNode b = ((ObjectNode) template).deepCopy();
        for (ObjectNode spec : List.of(a, b)) {
            spec.remove("ForceUpdate");
            spec.remove("Runtime");
        }
        return a.equals(b);
    }

    /**
     * An id (or name) as a path segment. Swarm issues ids of letters and digits and takes names of letters,
     * digits, '_', '.' and '-' starting with a letter or digit; anything else ({@code ..}, a {@code /}) would reach
     * another endpoint than the one named, so it is refused, as an answer that can't be used (exit 5).
     */
    static String segment(String id) {
        if (id == null || !SEGMENT.matcher(id).matches()) {
            throw PlatformException.decode(null, null, 0, "the Docker Engine named an object '" + id + "', which is"
                    + " neither an id nor a name; zdd builds no request from it", null);
        }
        return id;
    }
}
