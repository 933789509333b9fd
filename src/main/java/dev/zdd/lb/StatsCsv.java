package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancer;
import dev.zdd.rollout.LoadBalancerException;
import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's statistics as CSV, the same on its runtime API ({@code show stat}) and on its stats page
 * ({@code ;csv}): a header line {@code # pxname,svname,...} that names the columns, then one line per frontend,
 * backend and server. Columns are found by name, not by position, since HAProxy adds columns over its versions; a
 * field that holds a comma or a quote is quoted, as HAProxy does for free text such as a check's description.
 */
final class StatsCsv {

    private StatsCsv() {
    }

    /** The server lines (not the FRONTEND and BACKEND totals); {@code source} names the load balancer in errors. */
    static List<LoadBalancer.Server> parse(String text, String source) {
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new LoadBalancerException(source + ": the answer is not HAProxy's CSV statistics (it starts with '"
                                            + abbreviate(lines.isEmpty() ? "" : lines.get(0)) + "')");
        }
        List<String> header = split(lines.get(0).substring(2));
        int backend = require(header, "pxname", source);
        int name = require(header, "svname", source);
        int sessions = require(header, "scur", source);
        int status = require(header, "status", source);
        int check = header.indexOf("check_status");
        int address = header.indexOf("addr");
        List<LoadBalancer.Server> servers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            String server = field(fields, name);
            if (server == null || server.equals("FRONTEND") || server.equals("BACKEND")) {
                continue;
            }
            servers.add(new LoadBalancer.Server(field(fields, backend), server, field(fields, address),
                    field(fields, status), number(field(fields, sessions), source), field(fields, check)));
        }
        return servers;
    }

    private static int require(List<String> header, String column, String source) {
        int index = header.indexOf(column);
        if (index < 0) {
            throw new LoadBalancerException(source + ": HAProxy's statistics have no '" + column + "' column");
        }
        return index;
    }

    /** The field, or null when the line is short or the field empty. */
    private static String field(List<String> fields, int index) {
        if (index < 0 || index >= fields.size() || fields.get(index).isEmpty()) {
            return null;
        }
        return fields.get(index);
    }

    private static int number(String value, String source) {
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LoadBalancerException(source + ": a session count that is not a number: '"
                                            + abbreviate(value) + "'");
        }
    }

    /** One CSV line's fields: comma-separated, a field in double quotes may hold commas and doubled quotes. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
