package dev.zdd.rollout;

import dev.zdd.platform.Changes;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Announcements on the fake clock: each one at a set instant, about the ids it matches. A wait moves the clock to
 * the first announcement about a watched id, or to its end, or to the moment the stream drops; it never naps on
 * the sleeper, so the fake time's naps show only the polling.
 */
final class ScriptedChanges implements Changes {

    private record Announcement(Instant at, Predicate<String> about) {
    }

    private final FakeTime time;
    private final List<Announcement> announcements = new ArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private Instant dropsAt;
    private boolean closed;

    ScriptedChanges(FakeTime time) {
        this.time = time;
    }

    /** Announces a change to {@code id} at {@code after} from now. */
    ScriptedChanges announce(Duration after, String id) {
        return announce(after, id::equals);
    }

    /** Announces a change to every action (whose ids the in-memory platform makes up) at {@code after} from now. */
    ScriptedChanges announceActions(Duration after) {
        return announce(after, id -> id.startsWith("/api/v1/action/"));
    }

    /** The stream drops at {@code after} from now, for good. */
    ScriptedChanges dropAfter(Duration after) {
        dropsAt = time.instant().plus(after);
        return this;
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public boolean live() {
        return !closed && (dropsAt == null || time.instant().isBefore(dropsAt));
    }

    @Override
    public Set<String> awaitChange(Set<String> ids, Duration max) {
        waits.add(max);
        Instant end = time.instant().plus(max);
        if (dropsAt != null && dropsAt.isBefore(end)) {
            end = dropsAt;
        }
        Instant until = end;
        Instant heard = announcements.stream()
                .filter(a -> !a.at().isAfter(until) && ids.stream().anyMatch(a.about()))
                .map(Announcement::at).min(Comparator.naturalOrder()).orElse(end);
        if (heard.isAfter(time.instant())) {
            time.advance(Duration.between(time.instant(), heard));
        }
        Set<String> changed = new HashSet<>();
        List<Announcement> past = announcements.stream().filter(a -> !a.at().isAfter(time.instant())).toList();
        past.forEach(a -> ids.stream().filter(a.about()).forEach(changed::add));
        announcements.removeAll(past);
        return changed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private ScriptedChanges announce(Duration after, Predicate<String> about) {
        announcements.add(new Announcement(time.instant().plus(after), about));
        return this;
    }
}
