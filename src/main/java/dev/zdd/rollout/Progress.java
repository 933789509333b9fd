package dev.zdd.rollout;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a phase needs after a look: go on to the next phase now, wait, or end the step.
 *
 * <p>Two kinds of wait: {@link #poll} is a watch of the platform, looked at again at the next poll (the wave's loop
 * decides when: {@code --poll-interval}, or the safety interval while the platform announces changes) or as soon
 * as one of {@code ids} is announced; {@link #until} is a wait for a moment (a drain, a readiness interval).
 */
final class Progress {

    enum Kind { DONE, POLL, UNTIL, END }

    private static final Progress DONE = new Progress(Kind.DONE, null, Set.of(), null);

    final Kind kind;
    /** For {@link Kind#UNTIL}: look again then. */
    final Instant until;
    /** Announced changes to these ids end the wait early. */
    final Set<String> ids;
    /** For {@link Kind#END}: how the step ended. */
    final StepEnd end;

    private Progress(Kind kind, Instant until, Set<String> ids, StepEnd end) {
        this.kind = kind;
        this.until = until;
        this.ids = Set.copyOf(ids);
        this.end = end;
    }

    static Progress done() {
        return DONE;
    }

    static Progress poll(Set<String> ids) {
        return new Progress(Kind.POLL, null, ids, null);
    }

    static Progress until(Instant when) {
        return new Progress(Kind.UNTIL, Objects.requireNonNull(when), Set.of(), null);
    }

    static Progress end(StepEnd end) {
        return new Progress(Kind.END, null, Set.of(), Objects.requireNonNull(end));
    }

    boolean waits() {
        return kind == Kind.POLL || kind == Kind.UNTIL;
    }
}
