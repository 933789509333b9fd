package dev.zdd.rollout;

import java.util.List;

/**
 * The preflight could not have the image of one or more targets (an unknown tag, refused or missing credentials,
 * an unreachable registry): nothing was redeployed. Unlike a target's state, {@code --force} never skips this.
 */
public class ImageRefusedException extends PreflightException {

    public ImageRefusedException(List<Refusal> refusals) {
        super(refusals);
    }
}
