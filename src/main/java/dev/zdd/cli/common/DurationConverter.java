package dev.zdd.cli.common;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * DURATION as the contract spells it: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, a bare number of
 * seconds ({@code 10}, {@code 1.5}), or ISO-8601 ({@code PT10S}). picocli puts the option's name in front of
 * the message, which names the value.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final Map<String, Duration> UNITS = Map.of(
            "ms", Duration.ofMillis(1), "s", Duration.ofSeconds(1), "m", Duration.ofMinutes(1),
            "h", Duration.ofHours(1));

    /** No run takes longer, and anything longer would overflow the sums made of durations. */
    public static final Duration LONGEST = Duration.ofDays(30);

    @Override
    public Duration convert(String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            throw new TypeConversionException("an empty value is not a duration: use 500ms, 10s, 2m, 1h, "
                                              + "a number of seconds, or ISO-8601 such as PT10S");
        }
        Duration duration = null;
        try {
            duration = text.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(text) : parseShort(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            // a number too large to hold says the same as the range check below
            duration = text.matches("[\\d.]+(ms|s|m|h)?") ? LONGEST.plusDays(1) : null;
        }
        if (duration == null || duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' is not a duration: use 500ms, 10s, 2m, 1h, "
                                              + "a number of seconds, or ISO-8601 such as PT10S");
        }
        if (duration.getNano() % 1_000_000 != 0) {
            // 0.0001ms would otherwise become 0 somewhere on the way, and 1.5ms be taken for 1ms.
            throw new TypeConversionException("'" + value + "' is finer than a millisecond: give whole milliseconds");
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw new TypeConversionException("'" + value + "' is longer than " + LONGEST.toDays() + " days, more"
                                              + " than any run takes");
        }
        return duration;
    }

    private static Duration parseShort(String text) {
        Matcher matcher = SHORT.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        Duration unit = UNITS.get(matcher.group(2) == null ? "s" : matcher.group(2));
        BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unit.toNanos()));
        return Duration.ofNanos(nanos.longValueExact());
    }
}
