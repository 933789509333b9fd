package dev.zdd.platform;

/**
 * A service's image now and the image its redeploy rolls out, as the preflight found them.
 *
 * @param before the image the service is defined with now, as the platform spells it; null when it can't say
 * @param after  the image the redeploy rolls out: a tag resolved to its digest ({@code repo:tag@sha256:...}) where
 *               the platform resolves, else the reference the platform pulls; null when it can't say
 * @param set    the redeploy sets the service's image to {@code after} first (Swarm's spec, Tutum's
 *               {@code PATCH}); false when the service is redeployed as it is defined
 */
public record ImagePlan(String before, String after, boolean set) {

    /** What a platform that knows nothing of images says: nothing. */
    public static final ImagePlan UNKNOWN = new ImagePlan(null, null, false);

    /** Whether the redeploy rolls out another image than the one the service was defined with. */
    public boolean changes() {
        return after != null && !after.equals(before);
    }
}
