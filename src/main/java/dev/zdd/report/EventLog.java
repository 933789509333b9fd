package dev.zdd.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events of a run kept in memory while it goes, for the page at its end. Events come from more than one
 * thread (the rollout's, and the prober's with its buckets), so every call is synchronized.
 */
public final class EventLog implements Consumer<JsonNode> {

    private final List<JsonNode> events = new ArrayList<>();

    @Override
    public synchronized void accept(JsonNode event) {
        events.add(event);
    }

    public synchronized boolean isEmpty() {
        return events.isEmpty();
    }

    /** The events so far, in the order they came. */
    public synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }
}
