package dev.zdd.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.zdd.platform.Service;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code zdd services}' result: a table for people, or one NDJSON {@code service} line per service (the same shape
 * as {@code redeploy}'s events, so that one reader handles both).
 */
public final class ServiceList {

    private ServiceList() {
    }

    /** NAME, STACK, UUID, STATE and CONTAINERS (running/target), each column as wide as its widest cell. */
    public static void table(PrintWriter out, List<Service> services) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STACK", "UUID", "STATE", "CONTAINERS"});
        for (Service service : services) {
            rows.add(new String[] {service.name(), service.stack() == null ? "-" : service.stack(), service.id(),
                    service.stateLabel(), service.running() + "/" + service.target()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** One {@code service} object per line, each with the same {@code time}: when the list was read. */
    public static void ndjson(PrintWriter out, List<Service> services, Instant read) {
        String time = read.truncatedTo(ChronoUnit.MILLIS).toString();
        for (Service service : services) {
            try {
                out.println(JsonRenderer.MAPPER.writeValueAsString(JsonRenderer.MAPPER.createObjectNode()
                        .put("event", "service").put("time", time).put("name", service.name())
                        .put("stack", service.stack()).put("uuid", service.id()).put("state", service.stateLabel())
                        .put("running", service.running()).put("target", service.target())));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
