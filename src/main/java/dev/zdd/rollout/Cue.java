package dev.zdd.rollout;

import java.util.Set;

/**
 * Why a look happens: the platform announced that these ids changed, or (everything) nothing says what changed, so
 * every reading must be taken again: the first look, a poll, a safety look, a stream that dropped.
 */
record Cue(Set<String> changed, boolean everything) {

    static final Cue EVERYTHING = new Cue(Set.of(), true);

    Cue {
        changed = Set.copyOf(changed);
    }

    boolean about(String id) {
        return everything || changed.contains(id);
    }
}
