package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancerException;

/** Backend and server names as they go into a command or a form: never one that could carry another command. */
final class Names {

    private Names() {
    }

    static String checked(String name, String source) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ';' || c == 127)) {
            throw new LoadBalancerException(source + ": '" + name + "' is not a backend or server name HAProxy"
                                            + " could have");
        }
        return name;
    }
}
