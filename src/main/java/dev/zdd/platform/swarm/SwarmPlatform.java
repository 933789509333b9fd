package dev.zdd.platform.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.Action;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.platform.swarm.SwarmStates.Mode;
import dev.zdd.platform.swarm.SwarmStates.ServiceView;
import dev.zdd.platform.swarm.SwarmStates.TaskView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Docker Swarm services over the Docker Engine API of a manager node.
 *
 * <p>A redeploy is what {@code docker service update --force} does: the service's current spec, sent back with
 * {@code TaskTemplate.ForceUpdate} incremented and the spec's version index, so that a concurrent change is
 * refused rather than overwritten. Swarm then replaces the tasks as the service's own update config says; zdd does
 * not change that config. The action of a redeploy is that update, identified by the service and the ForceUpdate
 * value zdd set ({@code <service id>/force-update/<n>}); see {@link SwarmStates#action} for what counts as done.
 *
 * <p>Unlike {@code docker service update --force}, the image reference is sent back as it is: the docker CLI
 * also asks the registry for the tag's current digest, which zdd does not (yet) do, so a tag pinned to a digest
 * in the spec restarts on that same digest.
 *
 * <p>Swarm has no per-container redeploy, and no volumes to reuse or not: a task's mounts come from the spec.
 */
public final class SwarmPlatform implements Platform, AutoCloseable {

    static final String STACK_LABEL = "com.docker.stack.namespace";
    static final String ACTION_MARK = "/force-update/";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
    private static final String WANTED_TASKS = "/tasks?filters="
                                               + DockerApi.query(Map.of("desired-state", List.of("running")));

    private final SwarmConfig config;
    private final DockerApi api;

    /**
     * Connects lazily: nothing is sent until the first call. Refuses first, with a {@link PlatformException} of
     * kind CONFIGURATION: plain {@code tcp://} to a host that is not a loopback address unless
     * {@link SwarmConfig#insecureHttp()}, and TLS files that can't be read.
     */
    public SwarmPlatform(SwarmConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock "now", for the deadline of {@link #callsUntil} */
    public SwarmPlatform(SwarmConfig config, Clock clock) {
        if (config.isPlainRemoteTcp() && !config.insecureHttp()) {
            throw PlatformException.configuration("refusing plain TCP to the Docker Engine at "
                    + config.dockerHost() + ": without TLS anyone on the way could take the engine over; set"
                    + " DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or pass --insecure-http");
        }
        this.config = config;
        this.api = new DockerApi(config, clock);
    }

    @Override
    public void callsUntil(Instant deadline) {
        api.callsUntil(deadline);
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
        for (JsonNode service : services) {
            List<JsonNode> tasks = tasksByService.getOrDefault(service.path("ID").asText(), List.of());
            result.add(SwarmStates.service(serviceView(service), taskViews(service, tasks)));
        }
        return result;
    }

    @Override
    public Service service(String id) {
        JsonNode service = inspect(id);
        return SwarmStates.service(serviceView(service), taskViews(service, tasksOf(id)));
    }

    @Override
    public Redeployment redeploy(Service service, boolean reuseVolumes) {
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
        api.post("/services/" + segment(service.id()) + "/update?version=" + version, spec);
        return new Redeployment(service.id() + ACTION_MARK + forceUpdate);
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
        return SwarmStates.action(actionId, ours, serviceView(service), taskViews(service, tasksOf(serviceId)));
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
        return config.events() ? new SwarmEvents(api.streamClient(), config.dockerHost()).open() : Changes.NONE;
    }

    @Override
    public String describe() {
        return "Docker Swarm at " + config.dockerHost();
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
        JsonNode template = service.path("Spec").path("TaskTemplate");
        return tasks.stream().map(task -> {
            JsonNode status = task.path("Status");
            String error = status.path("Err").isTextual() ? status.path("Err").asText() : null;
            return new TaskView(task.path("ID").asText(), task.path("NodeID").asText(null),
                    status.path("State").asText(""), task.path("DesiredState").asText(""), error,
                    sameSpec(task.path("Spec"), template));
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
            throw PlatformException.decode(null, null, 0, "the Docker Engine named a service '" + id + "', which is"
                    + " neither an id nor a name; zdd builds no request from it", null);
        }
        return id;
    }
}
