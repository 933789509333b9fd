package dev.zdd.rollout;

import dev.zdd.platform.Service;
import java.util.List;
import java.util.stream.Collectors;

/** One or more arguments matched no live service, or more than one. */
public class ResolutionException extends RuntimeException {

    /** An argument and the live services it matched: none, or several. */
    public record Unresolved(String argument, List<Service> candidates) {
        public Unresolved {
            candidates = List.copyOf(candidates);
        }
    }

    private final List<Unresolved> unresolved;

    public ResolutionException(List<Unresolved> unresolved) {
        super(describe(unresolved));
        this.unresolved = List.copyOf(unresolved);
    }

    public List<Unresolved> unresolved() {
        return unresolved;
    }

    private static String describe(List<Unresolved> unresolved) {
        return unresolved.stream().map(u -> u.candidates().isEmpty()
                        ? "'" + u.argument() + "' matches no live service"
                        : "'" + u.argument() + "' matches " + u.candidates().size() + " live services: "
                          + u.candidates().stream()
                                .map(s -> s.name() + " (stack " + (s.stack() == null ? "-" : s.stack())
                                          + ", uuid " + s.id() + ")")
                                .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
