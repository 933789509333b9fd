package dev.zdd.platform;

/**
 * What a redeploy is asked to do.
 *
 * @param reuseVolumes pass the platform's reuse-volumes flag (Tutum's {@code reuse_volumes})
 * @param image        the image to roll out, as the preflight planned it; null (or a plan that sets nothing) to
 *                     redeploy the service as it is defined
 */
public record RedeployRequest(boolean reuseVolumes, ImagePlan image) {

    /** Whether the service's image is to be set before it is redeployed. */
    public boolean setsImage() {
        return image != null && image.set() && image.after() != null;
    }
}
