package dev.zdd.time;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them: {@code 500ms}, {@code 12.3s}, {@code 2m}, {@code 1h30m}. */
public final class Durations {

    private Durations() {
    }

    /** A measured duration: tenths of a second below a minute, then whole minutes and seconds. */
    public static String measured(Duration duration) {
        if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
            return String.format(Locale.ROOT, "%.1fs", seconds(duration));
        }
        return setting(Duration.ofSeconds(duration.toSeconds()));
    }

    /** A configured duration, in the units it was most likely given in. */
    public static String setting(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toMillisPart() != 0 || duration.toNanosPart() % 1_000_000 != 0) {
            return duration.compareTo(Duration.ofSeconds(1)) < 0
                    ? duration.toMillis() + "ms"
                    : String.format(Locale.ROOT, "%.3fs", seconds(duration)).replaceAll("0+s$", "s");
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toHours(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        return text.toString();
    }

    /** Seconds with millisecond precision, as JSON carries them. */
    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }
}
