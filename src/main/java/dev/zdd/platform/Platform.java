package dev.zdd.platform;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A container platform that runs services and can redeploy them: Tutum, Docker Cloud, Docker Swarm.
 *
 * <p>Implementations map their API onto these calls and the domain types; they never leak their DTOs. Every
 * method may throw a {@link PlatformException}: an implementation retries what is safe to retry, and reports a
 * failure only once its retries are spent; a redeploy is never sent twice unless the first demonstrably did not
 * start.
 *
 * <p>Every call is bounded in time, the answer's body included, and by the deadline of {@link #callsUntil}. An
 * interrupt of the calling thread (the engine's {@code Cancellation}, on SIGINT or SIGTERM) ends a call in flight at
 * once, whatever it is blocked on: the call fails with a TRANSPORT {@link PlatformException} that says it was
 * interrupted, and the thread's interrupt flag stays set.
 */
public interface Platform {

    /** Every service the platform lists, all pages, Terminated ones included (the caller filters). */
    List<Service> services();

    /** One service by its full id; a {@link PlatformException} with status 404 when it doesn't exist. */
    Service service(String id);

    /** Asks the platform to redeploy the service as it is defined. */
    Redeployment redeploy(Service service, boolean reuseVolumes);

    /**
     * The image the service is defined with and the one its redeploy would roll out, with read-only calls (a
     * registry lookup included). Throws {@link ImageUnavailableException} with the registry's reason when the image
     * can't be had: an unknown tag, refused or missing credentials, an unreachable registry. A platform that knows
     * nothing of images plans nothing, and can't set one.
     */
    default ImagePlan image(Service service, ImageRequest request) {
        if (request.changes()) {
            throw new ImageUnavailableException(request.image(), describe() + " can't set a service's image");
        }
        return ImagePlan.UNKNOWN;
    }

    /**
     * Asks the platform to redeploy the service, after setting its image when the request's plan says so (Tutum:
     * {@code PATCH} the service, then redeploy; Swarm: one update with the image in the spec).
     */
    default Redeployment redeploy(Service service, RedeployRequest request) {
        if (request.setsImage()) {
            throw new ImageUnavailableException(request.image().after(), describe()
                                                                         + " can't set a service's image");
        }
        return redeploy(service, request.reuseVolumes());
    }

    /** The action a redeploy returned. */
    Action action(String actionId);

    /** The service's current containers (tasks), Terminated ones left out. */
    List<Container> containers(Service service);

    /** One container by its full id. */
    Container container(String id);

    /** Asks the platform to redeploy one container of a service. */
    Redeployment redeploy(Container container, boolean reuseVolumes);

    /** Asks the platform to redeploy one container, after setting its service's image when the plan says so. */
    default Redeployment redeploy(Container container, RedeployRequest request) {
        if (request.setsImage()) {
            throw new ImageUnavailableException(request.image().after(), describe()
                                                                         + " can't set a service's image");
        }
        return redeploy(container, request.reuseVolumes());
    }

    /**
     * The actions that have not finished (Pending or In progress) on each of the services, their containers' and
     * their stacks' included: another pipeline's redeploy that a service's own state may not show yet. Keyed by
     * service id; a service with none may be left out. One call for several services, since a platform may read
     * them all at once. Platforms that can't tell return none, and their services' state alone speaks.
     */
    default Map<String, List<Action>> unfinishedActions(List<Service> services) {
        return Map.of();
    }

    /** What the platform can do beyond redeploying a service; the engine asks before it plans a step. */
    default Capabilities capabilities() {
        return Capabilities.ALL;
    }

    /**
     * What a platform can do beyond redeploying a service.
     *
     * @param containerRedeploy  it redeploys one container of a service at a time ({@code --per-container})
     * @param containerEndpoints its containers publish their own HTTP endpoints ({@code --ready-path})
     * @param why                why the missing ones are missing, for the user, or null
     */
    record Capabilities(boolean containerRedeploy, boolean containerEndpoints, String why) {

        public static final Capabilities ALL = new Capabilities(true, true, null);
    }

    /** What to call the platform in messages, e.g. {@code Tutum at https://dashboard.tutum.co}. */
    String describe();

    /**
     * Nothing past {@code deadline}, from now on: no request starts after it, each call's own timeout is cut so
     * that the call ends by it, and no retry waits past it. A call that the deadline cut short, or kept from
     * starting, fails with a {@link PlatformException} whose {@link PlatformException#isDeadline()} is true (its
     * kind is TRANSPORT), so that the caller can report a timeout rather than a platform failure. Each call
     * replaces the previous deadline; null lifts it. The engine calls it with each step's deadline (and the
     * run's, from the start), so that {@code --timeout} and {@code --deadline} bound every request.
     * Platforms that never wait need not care.
     */
    default void callsUntil(Instant deadline) {
    }


    /**
     * Starts listening for the platform's announcements of changes, in the background; the caller closes what it
     * gets. Never fails: announcements that can't be had leave the {@link Changes} not live, and the caller polls.
     * Platforms that announce nothing need not care.
     */
    default Changes changes() {
        return Changes.NONE;
    }
}
