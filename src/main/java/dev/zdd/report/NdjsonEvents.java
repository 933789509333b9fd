package dev.zdd.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads a saved {@code --output json} stream: one JSON object per line, each with an {@code event}. */
public final class NdjsonEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NdjsonEvents() {
    }

    /**
     * The events, and how many non-blank lines were not zdd events (not JSON, or JSON without an {@code event}):
     * a stream cut off mid-line, or stderr mixed in, still renders what it has.
     */
    public record Read(List<JsonNode> events, int skippedLines) {
    }

    public static Read read(BufferedReader lines) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        int skipped = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            JsonNode event = parse(trimmed);
            if (event != null && event.isObject() && event.path("event").isTextual()) {
                events.add(event);
            } else {
                skipped++;
            }
        }
        return new Read(events, skipped);
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
