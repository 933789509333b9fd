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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The sandbox's platform: its services, containers, stacks and actions, and the redeploys that change them.
 *
 * <p>A service redeploy replaces the containers one after another, stop before start, as Tutum has done since
 * 0.12.0: the old container goes Terminating (its server stops accepting, in-flight requests finish) and
 * Terminated; a new container object with the same name and port goes Starting, listens after the boot time, and
 * is Running from then on, although it answers 503 until its warm-up is over. All state lives behind this object's
 * lock; the sockets are stopped and started outside it, on a worker thread per redeploy.
 */
final class Orchestrator implements Closeable {

    /** What the next redeploy of a service does, for rehearsing failures. */
    enum Rehearsal { NONE, FAIL, HANG }

    record StackInfo(String uuid, String name, ServiceState state, List<String> serviceUuids) {
    }

    record ServiceInfo(String uuid, String name, String stackUuid, ServiceState state, int target, int current,
                       int running, int stopped, List<String> containerUuids, Instant deployed) {
    }

    record ContainerInfo(String uuid, String name, String serviceUuid, ContainerState state, int port,
                         Instant deployed, Instant started, Instant stopped, Instant destroyed, Integer exitCode,
                         String exitMessage) {

        ContainerInfo withState(ContainerState newState) {
            return new ContainerInfo(uuid, name, serviceUuid, newState, port, deployed, started, stopped, destroyed,
                    exitCode, exitMessage);
        }

        ContainerInfo running(Instant now) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.RUNNING, port, deployed, now, null,
                    null, null, null);
        }

        ContainerInfo terminated(Instant now) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.TERMINATED, port, deployed, started,
                    stopped == null ? now : stopped, now, exitCode, exitMessage);
        }

        ContainerInfo exited(Instant now, int code, String message) {
            return new ContainerInfo(uuid, name, serviceUuid, ContainerState.STOPPED, port, deployed, started, now,
                    null, code, message);
        }
    }

    /** The target of an action: a service or a container. */
    record ObjectRef(String type, String uuid) {
    }

    record ActionInfo(String uuid, ObjectRef object, String name, String method, String path, String userAgent,
                      ActionState state, Instant start, Instant end) {

        ActionInfo ended(ActionState finalState, Instant now) {
            return new ActionInfo(uuid, object, name, method, path, userAgent, finalState, start, now);
        }
    }

    /**
     * One change of an object, as Tutum's events stream announces it.
     *
     * @param type    {@code service}, {@code container} or {@code action}
     * @param action  {@code create} or {@code update}
     * @param state   the object's state after the change, as the API spells it
     * @param parents a service's stack; a container's service and stack; an action's object
     */
    record Change(String type, String action, String uuid, String state, List<ObjectRef> parents) {
    }

    /** What a redeploy request was answered with, read in the same instant the redeploy was accepted. */
    record Accepted<T>(ActionInfo action, T subject) {
    }

    /** A service as the sandbox was asked to create it. */
    record ServiceSpec(String name, String stack) {
    }

    /** A backend of the load balancer: a container slot, whose port survives redeploys. */
    record Backend(String name, int port) {
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long lists keep a terminated container: Tutum's "recently terminated" had no documented length. */
    static final Duration TERMINATED_LISTED_FOR = Duration.ofMinutes(5);

    private final Clock clock;
    private final Sleeper sleeper;
    private final Supplier<Duration> bootTime;
    private final Duration warmup;
    private final Consumer<String> events;
    private final Consumer<Change> changes;
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
        final List<ContainerServer> slots = new ArrayList<>();
        final List<String> current = new ArrayList<>(); // the current container's uuid, per slot
        Instant deployed;
        boolean redeploying;
        Rehearsal next = Rehearsal.NONE;

        ServiceEntry(String name, String stackUuid) {
            this.name = name;
            this.stackUuid = stackUuid;
        }
    }

    /** @param bootTime asked once per new container: how long it takes to listen */
    Orchestrator(List<ServiceSpec> specs, int containersPerService, Supplier<Duration> bootTime, Duration warmup,
                 Clock clock, Sleeper sleeper, Consumer<String> events, Consumer<Change> changes, Executor handlers) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.bootTime = bootTime;
        this.warmup = warmup;
        this.events = events;
        this.changes = changes;
        for (ServiceSpec spec : specs) {
            String stackUuid = null;
            if (spec.stack() != null) {
                StackEntry stack = stacks.values().stream().filter(s -> s.name.equals(spec.stack())).findFirst()
                        .orElseGet(() -> new StackEntry(spec.stack()));
                stacks.putIfAbsent(stack.uuid, stack);
                stackUuid = stack.uuid;
            }
            ServiceEntry service = new ServiceEntry(spec.name(), stackUuid);
            for (int n = 1; n <= containersPerService; n++) {
                service.slots.add(new ContainerServer(spec.name() + "-" + n, clock, handlers));
            }
            services.put(service.uuid, service);
            if (stackUuid != null) {
                stacks.get(stackUuid).serviceUuids.add(service.uuid);
            }
        }
        // Redeploys of one service exclude each other, so there are never more tasks than containers + services.
        int maxTasks = services.size() * (containersPerService + 1);
        this.workers = new ThreadPoolExecutor(0, Math.max(1, maxTasks), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Threads.daemon("sandbox-redeploy"));
    }

    /** Deploys every service: each container listens on a fresh port and serves at once. */
    void start() throws IOException {
        Instant now = clock.instant();
        for (ServiceEntry service : snapshotOfServices()) {
            for (int slot = 0; slot < service.slots.size(); slot++) {
                ContainerServer server = service.slots.get(slot);
                String uuid = UUID.randomUUID().toString();
                server.listen(new ContainerServer.Identity(service.name, server.slotName(), uuid, now));
                synchronized (this) {
                    containers.put(uuid, new ContainerInfo(uuid, server.slotName(), service.uuid,
                            ContainerState.RUNNING, server.port(), now, now, null, null, null, null));
                    service.current.add(uuid);
                    service.deployed = now;
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
                : states.stream().allMatch(s -> s == ServiceState.RUNNING) ? ServiceState.RUNNING
                : states.stream().allMatch(s -> s == ServiceState.STOPPED) ? ServiceState.STOPPED
                : ServiceState.PARTLY_RUNNING;
        return new StackInfo(stack.uuid, stack.name, state, List.copyOf(stack.serviceUuids));
    }

    private ServiceInfo info(ServiceEntry service) {
        List<ContainerInfo> current = service.current.stream().map(containers::get).toList();
        int running = (int) current.stream().filter(c -> c.state() == ContainerState.RUNNING).count();
        int stopped = (int) current.stream().filter(c -> c.state() == ContainerState.STOPPED).count();
        boolean changing = current.stream().anyMatch(c -> isTransitional(c.state()));
        int target = service.slots.size();
        ServiceState state;
        if (service.redeploying) {
            state = ServiceState.REDEPLOYING;
        } else if (running == target) {
            state = ServiceState.RUNNING;
        } else if (running > 0 || changing) {
            // A container redeploy in progress: the service still counts as (partly) deployed.
            state = ServiceState.PARTLY_RUNNING;
        } else {
            state = ServiceState.STOPPED;
        }
        return new ServiceInfo(service.uuid, service.name, service.stackUuid, state, target, current.size(),
                running, stopped, List.copyOf(service.current), service.deployed);
    }

    private static boolean isTransitional(ContainerState state) {
        return state == ContainerState.STARTING || state == ContainerState.STOPPING
               || state == ContainerState.TERMINATING;
    }

    // ---- redeploying

    /**
     * Accepts a service redeploy: the service is Redeploying and the action In progress when this returns.
     *
     * @throws ApiException 404 for an unknown service, 409 when its state allows no redeploy
     */
    synchronized Accepted<ServiceInfo> redeployService(String uuid, String path, String userAgent) {
        ServiceEntry service = services.get(uuid);
        if (service == null) {
            throw ApiException.notFound("service " + uuid);
        }
        ServiceInfo before = info(service);
        boolean allowed = before.state() == ServiceState.RUNNING || before.state() == ServiceState.PARTLY_RUNNING
                          || before.state() == ServiceState.STOPPED;
        if (!allowed || anyContainerChanging(service)) {
            throw new ApiException(409, "Service " + service.name + " is " + before.state().label()
                                        + ": no redeploy allowed while an action is in progress on it");
        }
        Rehearsal rehearsal = takeRehearsal(service);
        ActionInfo action = newAction(new ObjectRef("service", uuid), "Service Redeploy", path, userAgent);
        service.redeploying = true;
        events.accept(service.name + " " + ServiceState.REDEPLOYING.label());
        announce(service);
        workers.execute(() -> runServiceRedeploy(service, action.uuid(), rehearsal));
        return new Accepted<>(action, info(service));
    }

    /**
     * Accepts a container redeploy: the container is Terminating and the action In progress when this returns.
     * The answer describes the old container, whose replacement is a new object.
     *
     * @throws ApiException 404 for an unknown container, 409 when it or its service is busy or it is gone
     */
    synchronized Accepted<ContainerInfo> redeployContainer(String uuid, String path, String userAgent) {
        ContainerInfo container = containers.get(uuid);
        if (container == null) {
            throw ApiException.notFound("container " + uuid);
        }
        ServiceEntry service = services.get(container.serviceUuid());
        boolean allowed = container.state() == ContainerState.RUNNING || container.state() == ContainerState.STOPPED;
        if (!allowed || service.redeploying) {
            throw new ApiException(409, "Container " + container.name() + " is " + container.state().label()
                                        + (service.redeploying ? " and its service is Redeploying" : "")
                                        + ": no redeploy allowed in this state");
        }
        Rehearsal rehearsal = takeRehearsal(service);
        ActionInfo action = newAction(new ObjectRef("container", uuid), "Container Redeploy", path, userAgent);
        ContainerInfo terminating = update(uuid, c -> c.withState(ContainerState.TERMINATING));
        int slot = service.current.indexOf(uuid);
        workers.execute(() -> runContainerRedeploy(service, slot, action.uuid(), rehearsal));
        return new Accepted<>(action, terminating);
    }

    private boolean anyContainerChanging(ServiceEntry service) {
        return service.current.stream().map(containers::get).anyMatch(c -> isTransitional(c.state()));
    }

    private Rehearsal takeRehearsal(ServiceEntry service) {
        Rehearsal rehearsal = service.next;
        service.next = Rehearsal.NONE;
        return rehearsal;
    }

    private ActionInfo newAction(ObjectRef object, String name, String path, String userAgent) {
        ActionInfo action = new ActionInfo(UUID.randomUUID().toString(), object, name, "POST", path, userAgent,
                ActionState.IN_PROGRESS, clock.instant(), null);
        actions.put(action.uuid(), action);
        announce(action, "create");
        return action;
    }

    private void runServiceRedeploy(ServiceEntry service, String actionUuid, Rehearsal rehearsal) {
        boolean ok = true;
        try {
            for (int slot = 0; slot < service.slots.size() && ok; slot++) {
                // The rehearsed failure (or hang) hits the first container; the ones after it are left alone.
                ok = replace(service, slot, slot == 0 ? rehearsal : Rehearsal.NONE);
            }
        } catch (InterruptedException e) {
            return; // the sandbox is closing
        }
        finish(service, actionUuid, ok, true);
    }

    private void runContainerRedeploy(ServiceEntry service, int slot, String actionUuid, Rehearsal rehearsal) {
        boolean ok;
        try {
            ok = replace(service, slot, rehearsal);
        } catch (InterruptedException e) {
            return;
        }
        finish(service, actionUuid, ok, false);
    }

    private synchronized void finish(ServiceEntry service, String actionUuid, boolean ok, boolean serviceAction) {
        // One atomic step: nobody can see the action finished while the service still says Redeploying.
        if (serviceAction) {
            service.redeploying = false;
            events.accept(service.name + " " + info(service).state().label());
            announce(service);
        }
        ActionInfo action = actions.get(actionUuid);
        ActionState state = ok ? ActionState.SUCCESS : ActionState.FAILED;
        ActionInfo ended = action.ended(state, clock.instant());
        actions.put(actionUuid, ended);
        events.accept(action.name() + " of " + service.name + " " + state.label());
        announce(ended, "update");
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
        synchronized (this) {
            Instant now = clock.instant();
            ServiceState before = info(service).state();
            ContainerInfo starting = new ContainerInfo(uuid, server.slotName(), service.uuid,
                    ContainerState.STARTING, server.port(), now, null, null, null, null, null);
            containers.put(uuid, starting);
            service.current.set(slot, uuid);
            service.deployed = now;
            announce(starting, "create", before);
        }
        events.accept(server.slotName() + " " + ContainerState.STARTING.label() + " (" + shortId(uuid) + ")");
        if (rehearsal == Rehearsal.HANG) {
            closed.await(); // never comes up: only closing the sandbox ends this
            throw new InterruptedException("sandbox closed");
        }
        sleeper.sleep(bootTime.get());
        if (rehearsal == Rehearsal.FAIL) {
            update(uuid, c -> c.exited(clock.instant(), 1, "rehearsed failure"));
            return false;
        }
        try {
            server.listen(new ContainerServer.Identity(service.name, server.slotName(), uuid,
                    clock.instant().plus(warmup)));
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
        changes.accept(new Change("container", action, container.uuid(), container.state().label(), parents));
        if (info(service).state() != serviceBefore) {
            announce(service);
        }
    }

    private void announce(ActionInfo action, String change) {
        changes.accept(new Change("action", change, action.uuid(), action.state().label(),
                List.of(action.object())));
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
