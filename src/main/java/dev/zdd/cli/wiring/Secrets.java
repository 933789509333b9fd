package dev.zdd.cli.wiring;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The secrets one run has seen (API keys, Authorization values), so that no output can show them, whatever
 * printed it: a message from the platform, a log line, an echoed argument.
 */
public final class Secrets {

    /** Shorter values would blot out ordinary words; real keys are far longer. */
    private static final int SHORTEST = 4;
    static final String MASK = "***";

    private final Set<String> values = new CopyOnWriteArraySet<>();

    public void add(String secret) {
        if (secret != null && secret.strip().length() >= SHORTEST) {
            values.add(secret.strip());
        }
    }

    public String redact(String text) {
        String result = text;
        for (String secret : values) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
