package dev.zdd.platform;

/**
 * What a run asks of the services' images.
 *
 * @param image   roll every service to this reference ({@code --image}), or null to redeploy each with its own
 * @param resolve resolve a tag to the registry's current digest before rolling it out (the default); false keeps
 *                what is pinned and calls no registry ({@code --no-resolve-image}), on the platforms that resolve
 */
public record ImageRequest(String image, boolean resolve) {

    /** Each service redeploys its own image, resolved where the platform resolves. */
    public static final ImageRequest OWN = new ImageRequest(null, true);

    /** Whether the services are to get another image than their own. */
    public boolean changes() {
        return image != null;
    }
}
