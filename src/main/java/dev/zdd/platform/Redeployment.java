package dev.zdd.platform;

/**
 * What the platform answered to a redeploy request.
 *
 * @param actionId the action that tracks the redeploy (Tutum's {@code X-Tutum-Action-URI}), or null when the
 *                 platform named none: then only the service's own state can show that the redeploy happened
 */
public record Redeployment(String actionId) {

    public boolean hasAction() {
        return actionId != null;
    }
}
