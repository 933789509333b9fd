package dev.zdd.rollout;

import dev.zdd.platform.Service;

/**
 * One service to redeploy: the argument the user gave and the live service it resolved to.
 *
 * @param argument what the user typed: a name, {@code name.stack} or a UUID
 * @param service  the service as it was when resolved
 */
public record Target(String argument, Service service) {

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
