package dev.zdd.sandbox;

import dev.zdd.platform.ActionState;
import dev.zdd.platform.ContainerState;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.Sleeper;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The sandbox's platform: its node, services, containers, stacks and actions, and the redeploys, starts and stops
 * that change them.
 *
 * <p>A service redeploy replaces the containers one after another, stop before start, as Tutum has done since
 * 0.12.0: the old container goes Terminating (its server stops accepting, in-flight requests finish) and
 * Terminated; a new container object with the same name and port goes Starting, listens after the boot time, and
 * is Running from then on, although it answers 503 until its warm-up is over. A stop takes containers Running ->
 * Stopping -> Stopped (the same objects, their ports closed), a start Stopped -> Starting -> Running.
 *
 * <p>Actions on one service are serialised as Tutum's were (0.14.0: "Service Redeploy triggers are now queued when
 * there is an action being performed on the service or any of its containers"): a redeploy that arrives while
 * another action runs on the service, or on the container it names, is accepted as a {@code Pending} action that
 * starts when the actions before it have ended. Containers of one service may be redeployed, started and stopped
 * at the same time as each other. A start or stop is refused while anything runs on its object, since Tutum allowed
 * no action in a transitional state.
 *
 * <p>All state lives behind this object's lock; the sockets are stopped and started outside it, on a worker thread
 * per action.
 */
final class Orchestrator implements Closeable {

    /** What the next redeploy of a service does, for rehearsing failures. */
    enum Rehearsal { NONE, FAIL, HANG }

    record StackInfo(String uuid, String name, ServiceState state, List<String> serviceUuids, Instant deployed) {
    }

    /** @param image the reference the service is defined with ({@code repo:tag}): what its redeploys pull */
    record ServiceInfo(String uuid, String name, String stackUuid, ServiceState state, int target, int current,
                       int running, int stopped, List<String> containerUuids, Instant deployed, Instant started,
                       Instant stoppedAt, String image) {
    }

    /**
     * @param image what the container runs, pinned: {@code repo:tag@sha256:...}; its service's reference alone
     *              when the pull failed
     */
    record ContainerInfo(String uuid, String name, String serviceUuid, ContainerState state, int port,
                         Instant deployed, Instant started, Instant stopped, Instant destroyed, Integer exitCode,
                         String exitMessage, String image) {

        ContainerInfo withState(ContainerState newState) {
            return new ContainerInfo(uuid, name, serviceUuid, newState, port, deployed, started, stopped, destroyed,
                    exitCode, exitMessage, image);
        }

        ContainerInfo running(Instant now) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.RUNNING, port, deployed, now, null,
                    null, null, null, image);
        }

        /** Started again from Stopped: the exit code of the last run no longer applies. */
        ContainerInfo starting() {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.STARTING, port, deployed, started,
                    stopped, null, null, null, image);
        }

        ContainerInfo terminated(Instant now) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.TERMINATED, port, deployed, started,
                    stopped == null ? now : stopped, now, exitCode, exitMessage, image);
        }

        ContainerInfo exited(Instant now, int code, String message) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.STOPPED, port, deployed, started, now,
                    null, code, message, image);
        }
    }

    /** The one node the sandbox's containers run on (this machine), and its node cluster. */
    record NodeInfo(String uuid, String clusterUuid, String clusterName, Instant deployed) {
    }

    /** An object of the API: its type ({@code service}, {@code container}, ...) and uuid. */
    record ObjectRef(String type, String uuid) {
    }

    /** The API request that created an action: what Tutum's action object records of it. */
    record Call(String method, String path, String userAgent, String body, String ip) {
    }

    record ActionInfo(String uuid, ObjectRef object, String name, String method, String path, String userAgent,
                      String body, String ip, ActionState state, Instant start, Instant end) {

        ActionInfo ended(ActionState finalState, Instant now) {
            return new ActionInfo(uuid, object, name, method, path, userAgent, body, ip, finalState, start, now);
        }

        ActionInfo inProgress() {
            return new ActionInfo(uuid, object, name, method, path, userAgent, body, ip, ActionState.IN_PROGRESS,
                    start, null);
        }

        boolean isRedeploy() {
            return name.endsWith("Redeploy");
        }
    }

    /**
     * One change of an object, as Tutum's events stream announces it.
     *
     * @param type    {@code service}, {@code container} or {@code action}
     * @param action  {@code create} or {@code update}
     * @param state   the object's state after the change, as the API spells it
     * @param parents a service's stack; a container's service, stack, node and node cluster; an action's object
     */
    record Change(String type, String action, String uuid, String state, List<ObjectRef> parents) {
    }

    /** What a request for an action was answered with, read in the same instant the action was accepted. */
    record Accepted<T>(ActionInfo action, T subject) {
    }

    /**
     * A service as the sandbox was asked to create it.
     *
     * @param image the reference it is defined with, {@code repo:tag}; null for {@code sandbox/<name>:latest}
     */
    record ServiceSpec(String name, String stack, String image) {

        ServiceSpec(String name, String stack) {
            this(name, stack, null);
        }

        String imageOrDefault() {
            return image != null ? image : "sandbox/" + name + ":latest";
        }
    }

    /** A backend of the load balancer: a container slot, whose port survives redeploys. */
    record Backend(String name, int port) {
    }

    /** The actions the sandbox performs, with Tutum's names for them. */
    private enum Op {
        SERVICE_REDEPLOY("Service Redeploy", ServiceState.REDEPLOYING),
        SERVICE_START("Service Start", ServiceState.STARTING),
        SERVICE_STOP("Service Stop", ServiceState.STOPPING),
        CONTAINER_REDEPLOY("Container Redeploy", null),
        CONTAINER_START("Container Start", null),
        CONTAINER_STOP("Container Stop", null);

        final String label;
        /** The service's state while a service action runs; null for a container's action. */
        final ServiceState transition;

        Op(String label, ServiceState transition) {
            this.label = label;
            this.transition = transition;
        }
    }

    /** An accepted action on a service or one of its containers ({@code containerUuid} null for the service). */
    private record Work(Op op, ServiceEntry service, String containerUuid, String actionUuid) {
        boolean onService() {
            return containerUuid == null;
        }
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long lists keep a terminated container: Tutum's "recently terminated" had no documented length. */
    static final Duration TERMINATED_LISTED_FOR = Duration.ofMinutes(5);
    /** Tutum kept the 100 newest actions of an object (0.14.1); the sandbox keeps this many in all. */
    static final int ACTIONS_KEPT = 10_000;

    private final Clock clock;
    private final Sleeper sleeper;
    private final Supplier<Duration> bootTime;
    private final Duration warmup;
    private final Consumer<String> events;
    private final Consumer<Change> changes;
    private final ImageRegistry registry;
    private final NodeInfo node;
    private final Map<String, StackEntry> stacks = new LinkedHashMap<>();
    private final Map<String, ServiceEntry> services = new LinkedHashMap<>();
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final Map<String, ActionInfo> actions = new LinkedHashMap<>();
    private final ExecutorService workers;
    private final CountDownLatch closed = new CountDownLatch(1);

    private static final class StackEntry {
        final String uuid = UUID.randomUUID().toString();
        final String name;
        final List<String> serviceUuids = new ArrayList<>();

        StackEntry(String name) {
            this.name = name;
        }
    }

    private static final class ServiceEntry {
        final String uuid = UUID.randomUUID().toString();
        final String name;
        final String stackUuid;
        /** The reference its redeploys pull; a PATCH of {@code image} changes it. */
        String image;
        final List<ContainerServer> slots = new ArrayList<>();
        final List<String> current = new ArrayList<>(); // the current container's uuid, per slot
        Instant deployed;
        Instant started;
        Instant stopped;
        /** The service's own state while a service action runs on it, else null (the state follows the counts). */
        ServiceState transition;
        /** Whether a service action runs; slots whose container has an action running. */
        boolean serviceBusy;
        final Set<Integer> busySlots = new HashSet<>();
        /** Accepted actions waiting for their turn, oldest first. */
        final Deque<Work> pending = new ArrayDeque<>();
        Rehearsal next = Rehearsal.NONE;

        ServiceEntry(String name, String stackUuid) {
            this.name = name;
            this.stackUuid = stackUuid;
        }
    }

    /**
     * @param bootTime asked once per container start: how long it takes to listen
     * @param registry where containers pull their images from; each service's image is pushed to it once, unless
     *                 it is there already
     */
    Orchestrator(List<ServiceSpec> specs, int containersPerService, Supplier<Duration> bootTime, Duration warmup,
                 Clock clock, Sleeper sleeper, Consumer<String> events, Consumer<Change> changes, Executor handlers,
                 ImageRegistry registry) {
        this.clock = clock;
        this.registry = registry;
        this.sleeper = sleeper;
        this.bootTime = bootTime;
        this.warmup = warmup;
        this.events = events;
        this.changes = changes;
        this.node = new NodeInfo(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "sandbox",
                clock.instant());
        for (ServiceSpec spec : specs) {
            String stackUuid = null;
            if (spec.stack() != null) {
                StackEntry stack = stacks.values().stream().filter(s -> s.name.equals(spec.stack())).findFirst()
                        .orElseGet(() -> new StackEntry(spec.stack()));
                stacks.putIfAbsent(stack.uuid, stack);
                stackUuid = stack.uuid;
            }
            ServiceEntry service = new ServiceEntry(spec.name(), stackUuid);
            service.image = ImageRegistry.tagOf(spec.imageOrDefault());
            registry.ensure(service.image);
            for (int n = 1; n <= containersPerService; n++) {
                service.slots.add(new ContainerServer(spec.name() + "-" + n, clock, handlers));
            }
            services.put(service.uuid, service);
            if (stackUuid != null) {
                stacks.get(stackUuid).serviceUuids.add(service.uuid);
            }
        }
        // Actions on one service run one at a time, or one per container: never more tasks than containers +
        // services.
        int maxTasks = services.size() * (containersPerService + 1);
        this.workers = new ThreadPoolExecutor(0, Math.max(1, maxTasks), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Threads.daemon("sandbox-action"));
    }

    /** Deploys every service: each container listens on a fresh port and serves at once. */
    void start() throws IOException {
        Instant now = clock.instant();
        for (ServiceEntry service : snapshotOfServices()) {
            for (int slot = 0; slot < service.slots.size(); slot++) {
                ContainerServer server = service.slots.get(slot);
                String uuid = UUID.randomUUID().toString();
                String image = registry.pull(service.image).orElseThrow().pinned();
                server.listen(new ContainerServer.Identity(service.name, server.slotName(), uuid, now, image));
                synchronized (this) {
                    containers.put(uuid, new ContainerInfo(uuid, server.slotName(), service.uuid,
                            ContainerState.RUNNING, server.port(), now, now, null, null, null, null, image));
                    service.current.add(uuid);
                    service.deployed = now;
                    service.started = now;
                }
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        workers.shutdownNow();
        try {
            workers.awaitTermination(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServiceEntry service : snapshotOfServices()) {
            service.slots.forEach(ContainerServer::close);
        }
    }

    // ---- reading

    NodeInfo node() {
        return node;
    }

    synchronized List<StackInfo> stacks() {
        return stacks.values().stream().map(this::info).toList();
    }

    synchronized Optional<StackInfo> stack(String uuid) {
        return Optional.ofNullable(stacks.get(uuid)).map(this::info);
    }

    synchronized List<ServiceInfo> services() {
        return services.values().stream().map(this::info).toList();
    }

    synchronized Optional<ServiceInfo> service(String uuid) {
        return Optional.ofNullable(services.get(uuid)).map(this::info);
    }

    /** Every container, current and recently terminated, in the order they were created. */
    synchronized List<ContainerInfo> containers() {
        Instant listedSince = clock.instant().minus(TERMINATED_LISTED_FOR);
        return containers.values().stream()
                .filter(c -> c.destroyed() == null || c.destroyed().isAfter(listedSince))
                .toList();
    }

    /** Every container the service ever had, terminated ones included, in the order they were created. */
    synchronized List<ContainerInfo> containersEver(String serviceUuid) {
        return containers.values().stream().filter(c -> c.serviceUuid().equals(serviceUuid)).toList();
    }

    /** Any container ever created, however long ago it was terminated. */
    synchronized Optional<ContainerInfo> container(String uuid) {
        return Optional.ofNullable(containers.get(uuid));
    }

    /** Every action, newest first. */
    synchronized List<ActionInfo> actions() {
        List<ActionInfo> newestFirst = new ArrayList<>(actions.values());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    synchronized Optional<ActionInfo> action(String uuid) {
        return Optional.ofNullable(actions.get(uuid));
    }

    /** Every container slot with its port, for the load balancer. */
    synchronized List<Backend> backends() {
        return services.values().stream()
                .flatMap(s -> s.slots.stream())
                .map(slot -> new Backend(slot.slotName(), slot.port()))
                .toList();
    }

    synchronized void rehearse(String serviceName, Rehearsal rehearsal) {
        List<ServiceEntry> named = services.values().stream().filter(s -> s.name.equals(serviceName)).toList();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("no service named " + serviceName);
        }
        named.forEach(s -> s.next = rehearsal);
    }

    private StackInfo info(StackEntry stack) {
        List<ServiceState> states = stack.serviceUuids.stream().map(uuid -> info(services.get(uuid)).state())
                .toList();
        ServiceState state = states.contains(ServiceState.REDEPLOYING) ? ServiceState.REDEPLOYING
                : states.contains(ServiceState.STOPPING) ? ServiceState.STOPPING
                : states.contains(ServiceState.STARTING) ? ServiceState.STARTING
                : states.stream().allMatch(s -> s == ServiceState.RUNNING) ? ServiceState.RUNNING
                : states.stream().allMatch(s -> s == ServiceState.STOPPED) ? ServiceState.STOPPED
                : ServiceState.PARTLY_RUNNING;
        Instant deployed = stack.serviceUuids.stream().map(uuid -> services.get(uuid).deployed)
                .filter(Objects::nonNull).min(Instant::compareTo).orElse(node.deployed());
        return new StackInfo(stack.uuid, stack.name, state, List.copyOf(stack.serviceUuids), deployed);
    }

    private ServiceInfo info(ServiceEntry service) {
        List<ContainerInfo> current = service.current.stream().map(containers::get).toList();
        int running = (int) current.stream().filter(c -> c.state() == ContainerState.RUNNING).count();
        int stopped = (int) current.stream().filter(c -> c.state() == ContainerState.STOPPED).count();
        boolean changing = current.stream().anyMatch(c -> isTransitional(c.state()));
        int target = service.slots.size();
        ServiceState state;
        if (service.transition != null) {
            state = service.transition;
        } else if (running == target) {
            state = ServiceState.RUNNING;
        } else if (running > 0 || changing) {
            // A container's action in progress: the service still counts as (partly) deployed.
            state = ServiceState.PARTLY_RUNNING;
        } else {
            state = ServiceState.STOPPED;
        }
        return new ServiceInfo(service.uuid, service.name, service.stackUuid, state, target, current.size(),
                running, stopped, List.copyOf(service.current), service.deployed, service.started,
                state == ServiceState.STOPPED ? service.stopped : null, service.image);
    }

    private static boolean isTransitional(ContainerState state) {
        return state == ContainerState.STARTING || state == ContainerState.STOPPING
               || state == ContainerState.TERMINATING;
    }

    // ---- images

    /**
     * Sets the reference the service's next redeploys pull, as a {@code PATCH} of {@code image} does on Tutum; its
     * containers keep running what they run until then.
     *
     * @throws ApiException 404 for an unknown service, 400 for a reference that is not a tag
     */
    synchronized ServiceInfo setImage(String uuid, String image) {
        ServiceEntry service = requireService(uuid);
        try {
            service.image = ImageRegistry.tagOf(image);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "Invalid image '" + image + "': " + e.getMessage());
        }
        events.accept(service.name + " image set to " + service.image + " (taken at its next redeploy)");
        announce(service);
        return info(service);
    }

    // ---- accepting actions

    /**
     * Accepts a service redeploy. When nothing runs on the service, the service is Redeploying and the action In
     * progress when this returns; otherwise the action is Pending, queued behind what runs.
     *
     * @throws ApiException 404 for an unknown service, 409 when its state allows no redeploy
     */
    synchronized Accepted<ServiceInfo> redeployService(String uuid, Call call) {
        ServiceEntry service = requireService(uuid);
        if (busy(service, null)) {
            return new Accepted<>(queue(Op.SERVICE_REDEPLOY, service, null, call), info(service));
        }
        require(service, Set.of(ServiceState.RUNNING, ServiceState.PARTLY_RUNNING, ServiceState.STOPPED),
                "redeploy");
        ActionInfo action = newAction(Op.SERVICE_REDEPLOY, new ObjectRef("service", uuid), call,
                ActionState.IN_PROGRESS);
        begin(new Work(Op.SERVICE_REDEPLOY, service, null, action.uuid()));
        return new Accepted<>(action, info(service));
    }

    /**
     * Accepts a container redeploy. When nothing runs on the container or its service, the container is
     * Terminating and the action In progress when this returns; otherwise the action is Pending. The answer
     * describes the old container, whose replacement is a new object.
     *
     * @throws ApiException 404 for an unknown container, 409 when it is gone or in a state that allows no redeploy
     */
    synchronized Accepted<ContainerInfo> redeployContainer(String uuid, Call call) {
        ContainerInfo container = requireContainer(uuid);
        ServiceEntry service = services.get(container.serviceUuid());
        if (container.state() == ContainerState.TERMINATED || !service.current.contains(uuid)) {
            throw new ApiException(409, "Container " + container.name() + " is Terminated: no redeploy allowed"
                                        + " in this state");
        }
        if (busy(service, uuid)) {
            return new Accepted<>(queue(Op.CONTAINER_REDEPLOY, service, uuid, call), containers.get(uuid));
        }
        require(container, Set.of(ContainerState.RUNNING, ContainerState.STOPPED), "redeploy");
        ActionInfo action = newAction(Op.CONTAINER_REDEPLOY, new ObjectRef("container", uuid), call,
                ActionState.IN_PROGRESS);
        begin(new Work(Op.CONTAINER_REDEPLOY, service, uuid, action.uuid()));
        return new Accepted<>(action, containers.get(uuid));
    }

    /** Starts every Stopped container of a Stopped or Partly running service. */
    synchronized Accepted<ServiceInfo> startService(String uuid, Call call) {
        return onService(Op.SERVICE_START, uuid, call, Set.of(ServiceState.STOPPED, ServiceState.PARTLY_RUNNING,
                ServiceState.NOT_RUNNING));
    }

    /** Stops every Running container of a Running or Partly running service. */
    synchronized Accepted<ServiceInfo> stopService(String uuid, Call call) {
        return onService(Op.SERVICE_STOP, uuid, call, Set.of(ServiceState.RUNNING, ServiceState.PARTLY_RUNNING));
    }

    synchronized Accepted<ContainerInfo> startContainer(String uuid, Call call) {
        return onContainer(Op.CONTAINER_START, uuid, call, ContainerState.STOPPED);
    }

    synchronized Accepted<ContainerInfo> stopContainer(String uuid, Call call) {
        return onContainer(Op.CONTAINER_STOP, uuid, call, ContainerState.RUNNING);
    }

    private Accepted<ServiceInfo> onService(Op op, String uuid, Call call, Set<ServiceState> allowed) {
        ServiceEntry service = requireService(uuid);
        refuseWhileBusy(service, null, op);
        require(service, allowed, verb(op));
        ActionInfo action = newAction(op, new ObjectRef("service", uuid), call, ActionState.IN_PROGRESS);
        begin(new Work(op, service, null, action.uuid()));
        return new Accepted<>(action, info(service));
    }

    private Accepted<ContainerInfo> onContainer(Op op, String uuid, Call call, ContainerState allowed) {
        ContainerInfo container = requireContainer(uuid);
        ServiceEntry service = services.get(container.serviceUuid());
        refuseWhileBusy(service, uuid, op);
        require(container, Set.of(allowed), verb(op));
        ActionInfo action = newAction(op, new ObjectRef("container", uuid), call, ActionState.IN_PROGRESS);
        begin(new Work(op, service, uuid, action.uuid()));
        return new Accepted<>(action, containers.get(uuid));
    }

    private ServiceEntry requireService(String uuid) {
        ServiceEntry service = services.get(uuid);
        if (service == null) {
            throw ApiException.notFound("service " + uuid);
        }
        return service;
    }

    private ContainerInfo requireContainer(String uuid) {
        ContainerInfo container = containers.get(uuid);
        if (container == null) {
            throw ApiException.notFound("container " + uuid);
        }
        return container;
    }

    private void require(ServiceEntry service, Set<ServiceState> allowed, String verb) {
        ServiceState state = info(service).state();
        if (!allowed.contains(state)) {
            throw new ApiException(409, "Service " + service.name + " is " + state.label() + ": no " + verb
                                        + " allowed in this state");
        }
    }

    private static void require(ContainerInfo container, Set<ContainerState> allowed, String verb) {
        if (!allowed.contains(container.state())) {
            throw new ApiException(409, "Container " + container.name() + " is " + container.state().label()
                                        + ": no " + verb + " allowed in this state");
        }
    }

    private void refuseWhileBusy(ServiceEntry service, String containerUuid, Op op) {
        if (busy(service, containerUuid)) {
            String what = containerUuid == null ? "Service " + service.name
                    : "Container " + containers.get(containerUuid).name();
            throw new ApiException(409, what + " has an action in progress: no " + verb(op)
                                        + " allowed until it ends (only redeploys are queued)");
        }
    }

    private static String verb(Op op) {
        return op.label.substring(op.label.indexOf(' ') + 1).toLowerCase(Locale.ROOT);
    }

    /** Whether an action on the service (or on this container, if given) runs or waits. */
    private boolean busy(ServiceEntry service, String containerUuid) {
        if (containerUuid == null) {
            return service.serviceBusy || !service.busySlots.isEmpty() || !service.pending.isEmpty();
        }
        int slot = service.current.indexOf(containerUuid);
        return service.serviceBusy || service.busySlots.contains(slot) || service.pending.stream()
                .anyMatch(w -> w.onService() || w.containerUuid().equals(containerUuid));
    }

    private ActionInfo queue(Op op, ServiceEntry service, String containerUuid, Call call) {
        ObjectRef object = containerUuid == null ? new ObjectRef("service", service.uuid)
                : new ObjectRef("container", containerUuid);
        ActionInfo action = newAction(op, object, call, ActionState.PENDING);
        service.pending.addLast(new Work(op, service, containerUuid, action.uuid()));
        events.accept(op.label + " of " + nameOf(object) + " " + ActionState.PENDING.label()
                      + " (queued behind the action in progress)");
        return action;
    }

    private ActionInfo newAction(Op op, ObjectRef object, Call call, ActionState state) {
        // start_date is the instant of the API call, as Tutum documented it, also for an action that waits.
        ActionInfo action = new ActionInfo(UUID.randomUUID().toString(), object, op.label, call.method(),
                call.path(), call.userAgent(), call.body(), call.ip(), state, clock.instant(), null);
        if (actions.size() >= ACTIONS_KEPT) {
            String oldest = actions.keySet().iterator().next();
            if (actions.get(oldest).end() != null) {
                actions.remove(oldest);
            }
        }
        actions.put(action.uuid(), action);
        announce(action, "create");
        return action;
    }

    // ---- running actions

    /** Marks the work's object busy and hands it to a worker; announces the service's change of state, if any. */
    private void begin(Work work) {
        ServiceEntry service = work.service();
        ServiceState before = info(service).state();
        int slot = -1;
        if (work.onService()) {
            service.serviceBusy = true;
            service.transition = work.op().transition;
        } else {
            slot = service.current.indexOf(work.containerUuid());
            service.busySlots.add(slot);
        }
        Rehearsal rehearsal = work.op() == Op.SERVICE_REDEPLOY || work.op() == Op.CONTAINER_REDEPLOY
                ? takeRehearsal(service) : Rehearsal.NONE;
        ServiceState after = info(service).state();
        if (after != before) {
            events.accept(service.name + " " + after.label());
            announce(service);
        }
        int workSlot = slot;
        switch (work.op()) {
            case CONTAINER_REDEPLOY -> update(work.containerUuid(), c -> c.withState(ContainerState.TERMINATING));
            case CONTAINER_STOP -> update(work.containerUuid(), c -> c.withState(ContainerState.STOPPING));
            case CONTAINER_START -> update(work.containerUuid(), ContainerInfo::starting);
            default -> {
            }
        }
        workers.execute(() -> run(work, workSlot, rehearsal));
    }

    private void run(Work work, int slot, Rehearsal rehearsal) {
        boolean ok = true;
        ServiceEntry service = work.service();
        try {
            switch (work.op()) {
                case SERVICE_REDEPLOY -> {
                    for (int n = 0; n < service.slots.size() && ok; n++) {
                        // The rehearsed failure (or hang) hits the first container; the ones after it are left alone.
                        ok = replace(service, n, n == 0 ? rehearsal : Rehearsal.NONE);
                    }
                }
                case CONTAINER_REDEPLOY -> ok = replace(service, slot, rehearsal);
                case SERVICE_STOP -> {
                    for (int n = 0; n < service.slots.size(); n++) {
                        stopSlot(service, n);
                    }
                }
                case CONTAINER_STOP -> stopSlot(service, slot);
                case SERVICE_START -> {
                    for (int n = 0; n < service.slots.size(); n++) {
                        ok &= startSlot(service, n);
                    }
                }
                case CONTAINER_START -> ok = startSlot(service, slot);
                default -> throw new IllegalStateException(work.op().name());
            }
        } catch (InterruptedException e) {
            return; // the sandbox is closing
        }
        end(work, slot, ok);
    }

    /**
     * Ends the work's action and starts the queued actions whose turn it is, in one atomic step: nobody can see the
     * action finished while the service still says Redeploying, nor the service settled between two queued
     * redeploys.
     */
    private synchronized void end(Work work, int slot, boolean ok) {
        ServiceEntry service = work.service();
        ServiceState before = info(service).state();
        if (work.onService()) {
            service.serviceBusy = false;
            service.transition = null;
        } else {
            service.busySlots.remove(slot);
        }
        Work next = service.pending.peekFirst();
        if (next != null && next.onService() && !service.serviceBusy && service.busySlots.isEmpty()) {
            service.transition = next.op().transition; // taken over by the next service action at once
        }
        if (work.op() == Op.SERVICE_STOP) {
            service.stopped = clock.instant();
        } else if (work.op() == Op.SERVICE_START || work.op() == Op.SERVICE_REDEPLOY) {
            service.started = clock.instant();
        }
        ServiceState after = info(service).state();
        if (after != before) {
            events.accept(service.name + " " + after.label());
            announce(service);
        }
        ActionInfo action = actions.get(work.actionUuid());
        ActionState state = ok ? ActionState.SUCCESS : ActionState.FAILED;
        ActionInfo ended = action.ended(state, clock.instant());
        actions.put(ended.uuid(), ended);
        events.accept(action.name() + " of " + nameOf(action.object()) + " " + state.label());
        announce(ended, "update");
        startQueued(service);
    }

    /** Starts the queued actions at the head of the service's queue that can run now, oldest first. */
    private void startQueued(ServiceEntry service) {
        while (!service.pending.isEmpty() && !service.serviceBusy) {
            Work head = service.pending.peekFirst();
            if (head.onService() ? !service.busySlots.isEmpty()
                    : service.busySlots.contains(service.current.indexOf(head.containerUuid()))) {
                return;
            }
            service.pending.removeFirst();
            ActionInfo action = actions.get(head.actionUuid());
            if (!head.onService() && !service.current.contains(head.containerUuid())) {
                // Replaced by a service redeploy that ran first: the container it names is gone.
                ActionInfo failed = action.ended(ActionState.FAILED, clock.instant());
                actions.put(failed.uuid(), failed);
                events.accept(action.name() + " of " + nameOf(action.object()) + " Failed: the container was"
                              + " replaced before its turn");
                announce(failed, "update");
                continue;
            }
            ActionInfo running = action.inProgress();
            actions.put(running.uuid(), running);
            events.accept(action.name() + " of " + nameOf(action.object()) + " " + running.state().label());
            announce(running, "update");
            begin(head);
        }
    }

    private Rehearsal takeRehearsal(ServiceEntry service) {
        Rehearsal rehearsal = service.next;
        service.next = Rehearsal.NONE;
        return rehearsal;
    }

    /** Stops the slot's container if it runs: its port refuses new connections, requests in flight finish. */
    private void stopSlot(ServiceEntry service, int slot) throws InterruptedException {
        String uuid;
        synchronized (this) {
            uuid = service.current.get(slot);
            if (containers.get(uuid).state() != ContainerState.RUNNING
                && containers.get(uuid).state() != ContainerState.STOPPING) {
                return;
            }
        }
        update(uuid, c -> c.withState(ContainerState.STOPPING));
        service.slots.get(slot).stop(STOP_GRACE);
        update(uuid, c -> c.exited(clock.instant(), 0, null)); // a clean exit, as after SIGTERM
    }

    /** Starts the slot's container again if it is stopped; false when it could not listen. */
    private boolean startSlot(ServiceEntry service, int slot) throws InterruptedException {
        String uuid;
        synchronized (this) {
            uuid = service.current.get(slot);
            ContainerState state = containers.get(uuid).state();
            if (state != ContainerState.STOPPED && state != ContainerState.STARTING) {
                return true;
            }
        }
        update(uuid, ContainerInfo::starting);
        return bootAndListen(service, slot, uuid);
    }

    /** Stops the slot's current container, then starts its replacement; false when the replacement failed. */
    private boolean replace(ServiceEntry service, int slot, Rehearsal rehearsal) throws InterruptedException {
        ContainerServer server = service.slots.get(slot);
        String oldUuid;
        synchronized (this) {
            oldUuid = service.current.get(slot);
        }
        update(oldUuid, c -> c.withState(ContainerState.TERMINATING));
        server.stop(STOP_GRACE);
        update(oldUuid, c -> c.terminated(clock.instant()));

        String uuid = UUID.randomUUID().toString();
        boolean pullFailed;
        synchronized (this) {
            Instant now = clock.instant();
            ServiceState before = info(service).state();
            // The new container pulls what the service's reference names now: a tag's newest push.
            Optional<ImageRegistry.Pushed> pulled = registry.pull(service.image);
            ContainerInfo starting = new ContainerInfo(uuid, server.slotName(), service.uuid,
                    ContainerState.STARTING, server.port(), now, null, null, null, null, null,
                    pulled.map(ImageRegistry.Pushed::pinned).orElse(service.image));
            containers.put(uuid, starting);
            service.current.set(slot, uuid);
            service.deployed = now;
            announce(starting, "create", before);
            pullFailed = pulled.isEmpty();
        }
        events.accept(server.slotName() + " " + ContainerState.STARTING.label() + " (" + shortId(uuid) + ")");
        if (pullFailed) {
            update(uuid, c -> c.exited(clock.instant(), 1, "pull of " + c.image() + " failed: manifest unknown"
                                                           + " (no such tag in the sandbox's registry)"));
            return false;
        }
        if (rehearsal == Rehearsal.HANG) {
            closed.await(); // never comes up: only closing the sandbox ends this
            throw new InterruptedException("sandbox closed");
        }
        if (rehearsal == Rehearsal.FAIL) {
            sleeper.sleep(bootTime.get());
            update(uuid, c -> c.exited(clock.instant(), 1, "rehearsed failure"));
            return false;
        }
        return bootAndListen(service, slot, uuid);
    }

    /** Waits the boot time, then listens on the slot's port as the container {@code uuid}; false if it can't. */
    private boolean bootAndListen(ServiceEntry service, int slot, String uuid) throws InterruptedException {
        ContainerServer server = service.slots.get(slot);
        sleeper.sleep(bootTime.get());
        String image;
        synchronized (this) {
            image = containers.get(uuid).image();
        }
        try {
            server.listen(new ContainerServer.Identity(service.name, server.slotName(), uuid,
                    clock.instant().plus(warmup), image));
        } catch (IOException e) {
            update(uuid, c -> c.exited(clock.instant(), 1, "cannot listen on port " + server.port() + ": "
                                                           + e.getMessage()));
            return false;
        }
        update(uuid, c -> c.running(clock.instant()));
        return true;
    }

    private synchronized ContainerInfo update(String uuid, UnaryOperator<ContainerInfo> change) {
        ContainerInfo before = containers.get(uuid);
        ContainerInfo changed = change.apply(before);
        if (changed.equals(before)) {
            return changed;
        }
        ServiceState serviceBefore = info(services.get(changed.serviceUuid())).state();
        containers.put(uuid, changed);
        events.accept(changed.name() + " " + changed.state().label() + " (" + shortId(uuid) + ")");
        announce(changed, "update", serviceBefore);
        return changed;
    }

    // ---- announcing, under the lock, so that the stream tells the changes in the order they happened

    private void announce(ServiceEntry service) {
        List<ObjectRef> parents = service.stackUuid == null ? List.of() : List.of(new ObjectRef("stack",
                service.stackUuid));
        changes.accept(new Change("service", "update", service.uuid, info(service).state().label(), parents));
    }

    /** A container's change, and its service's when the service's state moved with it. */
    private void announce(ContainerInfo container, String action, ServiceState serviceBefore) {
        ServiceEntry service = services.get(container.serviceUuid());
        List<ObjectRef> parents = new ArrayList<>(List.of(new ObjectRef("service", service.uuid)));
        if (service.stackUuid != null) {
            parents.add(new ObjectRef("stack", service.stackUuid));
        }
        parents.add(new ObjectRef("node", node.uuid()));
        parents.add(new ObjectRef("nodecluster", node.clusterUuid()));
        changes.accept(new Change("container", action, container.uuid(), container.state().label(), parents));
        if (info(service).state() != serviceBefore) {
            announce(service);
        }
    }

    private void announce(ActionInfo action, String change) {
        changes.accept(new Change("action", change, action.uuid(), action.state().label(),
                List.of(action.object())));
    }

    private String nameOf(ObjectRef object) {
        return object.type().equals("service") ? services.get(object.uuid()).name
                : containers.get(object.uuid()).name();
    }

    private synchronized List<ServiceEntry> snapshotOfServices() {
        return List.copyOf(services.values());
    }

    private static String shortId(String uuid) {
        return uuid.substring(0, 8);
    }

    // ---- how containers stop

    /**
     * From now on a container that stops is killed: the requests under way on it are cut, as with an application
     * that ignores SIGTERM; {@code events} hears each kill.
     */
    void killOnStop(Consumer<String> events) {
        for (ServiceEntry service : snapshotOfServices()) {
            service.slots.forEach(slot -> slot.killOnStop(events));
        }
    }

    /** Requests that kills have cut so far, over every container. */
    long cutRequests() {
        return snapshotOfServices().stream().flatMap(s -> s.slots.stream())
                .mapToLong(ContainerServer::cutRequests).sum();
    }
}
