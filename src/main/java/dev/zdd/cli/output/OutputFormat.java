package dev.zdd.cli.output;

import java.util.Locale;

/** {@code --output}: text for people, NDJSON for programs. */
public enum OutputFormat {
    TEXT, JSON;

    /** What users type and help shows. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
