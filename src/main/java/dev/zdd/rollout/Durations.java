package dev.zdd.rollout;

import java.time.Duration;

/** Durations the way people write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h30m}, {@code 12.3s}. */
public final class Durations {

    private Durations() {
    }

    /** A compact form for messages: whole units where exact, else seconds with one decimal. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 1000 != 0) {
            return millis < 1000 ? millis + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
            seconds %= 3600;
        }
        if (seconds >= 60) {
            text.append(seconds / 60).append('m');
            seconds %= 60;
        }
        if (seconds > 0) {
            text.append(seconds).append('s');
        }
        return text.toString();
    }

    /** Seconds with millisecond precision, for JSON. */
    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
