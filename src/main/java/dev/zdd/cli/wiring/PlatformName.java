package dev.zdd.cli.wiring;

import java.util.Locale;

/** The platforms {@code --platform} names. */
public enum PlatformName {
    TUTUM, DOCKERCLOUD, SWARM;

    /** The name as users type it, e.g. {@code dockercloud}; also what picocli shows in help. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
