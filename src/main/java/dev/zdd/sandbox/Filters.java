package dev.zdd.sandbox;

import dev.zdd.sandbox.Orchestrator.ObjectRef;
import dev.zdd.sandbox.Orchestrator.ServiceInfo;
import dev.zdd.sandbox.Orchestrator.StackInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lists' query parameters as Tutum's framework (Tastypie) read them: the documented filters of each list, the
 * undocumented ones the official SDK relies on ({@code uuid__startswith}, {@code stack__name},
 * {@code service__stack__name}), the actions' date filters, and paging with {@code limit} and {@code offset}.
 * A parameter that names no field is ignored; one that names a field with no such filter is a 400, as Tastypie
 * answered.
 */
final class Filters {

    /** Whether an object (as the API renders it) passes the filter with the given value. */
    @FunctionalInterface
    interface Filter {
        boolean test(Map<String, Object> object, String value);
    }

    private static final List<String> DATE_LOOKUPS = List.of("gte", "lte", "gt", "lt");

    private final Orchestrator platform;

    Filters(Orchestrator platform) {
        this.platform = platform;
    }

    Map<String, Filter> services() {
        Map<String, Filter> filters = common();
        filters.put("name", field("name"));
        filters.put("state", field("state"));
        filters.put("stack", reference("stack"));
        filters.put("stack__name", (o, v) -> v.equals(stackName(o.get("stack"))));
        return filters;
    }

    Map<String, Filter> containers() {
        Map<String, Filter> filters = common();
        filters.put("name", field("name"));
        filters.put("state", field("state"));
        filters.put("service", reference("service"));
        filters.put("node", reference("node"));
        filters.put("service__stack__name", (o, v) -> {
            ObjectRef service = Dialect.refOf(o.get("service"));
            return service != null && v.equals(platform.service(service.uuid()).map(ServiceInfo::stackUuid)
                    .flatMap(platform::stack).map(StackInfo::name).orElse(null));
        });
        return filters;
    }

    Map<String, Filter> stacks() {
        Map<String, Filter> filters = common();
        filters.put("name", field("name"));
        return filters;
    }

    Map<String, Filter> actions() {
        Map<String, Filter> filters = common();
        filters.put("state", field("state"));
        filters.put("object", reference("object"));
        for (String field : List.of("start_date", "end_date")) {
            for (String lookup : DATE_LOOKUPS) {
                String name = field + "__" + lookup;
                filters.put(name, (o, v) -> dateMatches(o.get(field), lookup, parseDate(name, v)));
            }
        }
        return filters;
    }

    Map<String, Filter> nodes() {
        Map<String, Filter> filters = common();
        filters.put("state", field("state"));
        filters.put("node_cluster", reference("node_cluster"));
        filters.put("node_type", reference("node_type"));
        filters.put("region", reference("region"));
        filters.put("docker_version", field("docker_version"));
        return filters;
    }

    Map<String, Filter> nodeClusters() {
        Map<String, Filter> filters = common();
        filters.put("state", field("state"));
        filters.put("name", field("name"));
        filters.put("node_type", reference("node_type"));
        filters.put("region", reference("region"));
        return filters;
    }

    /**
     * Actions on the object or on an object related to it ({@code include_related=true}): a service's own, its
     * containers' (past ones too) and its stack's; a container's, its service's and its stack's; a stack's, its
     * services' and their containers'.
     */
    Filter related(ObjectRef object) {
        Set<ObjectRef> related = TutumApi.relatedTo(platform, object);
        return (o, v) -> related.contains(Dialect.refOf(o.get("object")));
    }

    private static Map<String, Filter> common() {
        Map<String, Filter> filters = new LinkedHashMap<>();
        filters.put("uuid", field("uuid"));
        filters.put("uuid__startswith", (o, v) -> String.valueOf(o.get("uuid")).startsWith(v));
        return filters;
    }

    private static Filter field(String name) {
        return (object, value) -> value.equals(String.valueOf(object.get(name)));
    }

    /** A filter by resource URI, which matches in either dialect, with or without a namespace. */
    private static Filter reference(String name) {
        return (object, value) -> {
            ObjectRef wanted = Dialect.refOf(value);
            return wanted != null && wanted.equals(Dialect.refOf(object.get(name)));
        };
    }

    private String stackName(Object stackUri) {
        ObjectRef stack = Dialect.refOf(stackUri);
        return stack == null ? null : platform.stack(stack.uuid()).map(StackInfo::name).orElse(null);
    }

    /** Tastypie's answer to a filter on a field that allows none, or not this one. */
    static void refuseFieldWithoutFilter(String parameter, Set<String> fields, Set<String> filters) {
        int split = parameter.indexOf("__");
        String field = split < 0 ? parameter : parameter.substring(0, split);
        if (!fields.contains(field)) {
            return;
        }
        if (filters.stream().noneMatch(f -> f.equals(field) || f.startsWith(field + "__"))) {
            throw new ApiException(400, "The '" + field + "' field does not allow filtering.");
        }
        throw new ApiException(400, "'" + parameter.substring(field.length() + Math.min(2,
                parameter.length() - field.length())) + "' is not an allowed filter on the '" + field
                                    + "' field.");
    }

    /** A boolean query parameter: {@code true}/{@code false} in any case, or 1/0. */
    static boolean isTrue(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new ApiException(400, "Invalid " + name + " '" + value + "': give true or false.");
        };
    }

    // ---- dates

    /** A date filter's value: a whole day, or one second, as the half-open range {@code [from, until)}. */
    private record Span(Instant from, Instant until) {
    }

    private static final DateTimeFormatter TUTUM_DATE = DateTimeFormatter
            .ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    /**
     * {@code YYYY-MM-DD} (the whole day, UTC), an ISO-8601 date and time with or without an offset (UTC if none;
     * a space may stand for the {@code T}), or Tutum's own {@code Mon, 13 Oct 2014 11:01:43 +0000}.
     */
    static Span parseDate(String parameter, String value) {
        String text = value.strip();
        try {
            if (text.length() == 10) {
                Instant day = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                return new Span(day, day.plusSeconds(86_400));
            }
            Instant instant;
            if (Character.isLetter(text.charAt(0))) {
                instant = ZonedDateTime.parse(text, TUTUM_DATE).toInstant();
            } else {
                String iso = text.replace(' ', 'T');
                try {
                    instant = OffsetDateTime.parse(iso).toInstant();
                } catch (DateTimeParseException noOffset) {
                    instant = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
                }
            }
            Instant second = instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            return new Span(second, second.plusSeconds(1));
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new ApiException(400, "Invalid date '" + value + "' for " + parameter + ": give YYYY-MM-DD,"
                                        + " an ISO-8601 date and time, or 'Mon, 13 Oct 2014 11:01:43 +0000'");
        }
    }

    /** "On or after" and "on or before" include the whole day given, as Tutum's documentation words it. */
    private static boolean dateMatches(Object rendered, String lookup, Span span) {
        Instant date = Representations.parseDate(rendered);
        if (date == null) {
            return false; // an action still running has no end date: no end date filter matches it
        }
        return switch (lookup) {
            case "gte" -> !date.isBefore(span.from());
            case "gt" -> !date.isBefore(span.until());
            case "lte" -> date.isBefore(span.until());
            case "lt" -> date.isBefore(span.from());
            default -> throw new IllegalArgumentException(lookup);
        };
    }

    // ---- paging

    /** Tastypie-style paging: {@code meta.next} and {@code previous} are host-relative paths with the query. */
    static Map<String, Object> page(List<Map<String, Object>> all, String path, Map<String, String> query) {
        long limit = number(query, "limit", TutumApi.DEFAULT_LIMIT);
        long offset = number(query, "offset", 0);
        if (limit == 0 || limit > TutumApi.MAX_LIMIT) {
            limit = TutumApi.MAX_LIMIT;
        }
        int from = (int) Math.min(offset, all.size());
        int to = (int) Math.min(all.size(), from + limit);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("limit", limit);
        meta.put("next", to < all.size() ? link(path, query, limit, offset + limit) : null);
        meta.put("offset", offset);
        meta.put("previous", offset > 0 ? link(path, query, limit, Math.max(0, offset - limit)) : null);
        meta.put("total_count", all.size());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("meta", meta);
        envelope.put("objects", all.subList(from, to));
        return envelope;
    }

    private static long number(Map<String, String> query, String name, long fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value.strip());
            if (number < 0 || number > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "Invalid " + name + " '" + value + "' provided. Please provide a "
                                        + "positive integer.");
        }
    }

    private static String link(String path, Map<String, String> query, long limit, long offset) {
        Map<String, String> next = new LinkedHashMap<>(query);
        next.remove("limit");
        next.remove("offset");
        next.put("limit", Long.toString(limit));
        next.put("offset", Long.toString(offset));
        List<String> pairs = new ArrayList<>();
        next.forEach((k, v) -> pairs.add(encode(k) + "=" + encode(Objects.toString(v, ""))));
        return path + "?" + String.join("&", pairs);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
