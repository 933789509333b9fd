package dev.zdd.rollout;

import dev.zdd.platform.ImagePlan;
import dev.zdd.platform.Service;

/**
 * One service to redeploy: the argument the user gave, the live service it resolved to, and the image its
 * redeploy rolls out.
 *
 * @param argument what the user typed: a name, {@code name.stack} or a UUID
 * @param service  the service as it was when resolved
 * @param image    its image now and the one its redeploy rolls out, as the preflight planned them; nothing known
 *                 ({@link ImagePlan#UNKNOWN}) until then, or on a platform that can't say
 */
public record Target(String argument, Service service, ImagePlan image) {

    public Target {
        image = image == null ? ImagePlan.UNKNOWN : image;
    }

    public Target(String argument, Service service) {
        this(argument, service, ImagePlan.UNKNOWN);
    }

    /** The same target with its image planned. */
    public Target withImage(ImagePlan plan) {
        return new Target(argument, service, plan);
    }

    /** The label progress lines carry: the service's name, with its stack when the user named one. */
    public String label() {
        String name = service.name();
        if (service.stack() != null && argument.equals(name + "." + service.stack())) {
            return argument;
        }
        return name;
    }

    public String id() {
        return service.id();
    }
}
