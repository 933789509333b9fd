package dev.zdd.cli.wiring;

import dev.zdd.platform.SecretForms;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets one run has seen (API keys, Authorization values, proxy passwords, and whatever a later feature reads:
 * registry and load-balancer passwords), so that no output can show them, whatever printed it: a message from the
 * platform, a log line, an echoed argument. Each is known in every form it can take once encoded
 * ({@link SecretForms}): raw, JSON-escaped, URL-encoded, HTML-escaped, and for credentials base64 of
 * {@code user:secret}. Adding one is one call: {@link #add}, {@link #addCredentials} or {@link #addAuthorization}.
 */
public final class Secrets {

    /** Shorter values would blot out ordinary words; real keys are far longer. */
    private static final int SHORTEST = 4;
    static final String MASK = "***";

    private final Set<String> forms = ConcurrentHashMap.newKeySet();
    /** Longest first, so that a secret is masked whole before any part of it could be. */
    private volatile List<String> longestFirst = List.of();

    /** A secret value on its own: a key, a password, a token. */
    public void add(String secret) {
        remember(SecretForms.of(secret));
    }

    /** A user's secret: the secret, {@code user:secret} and its base64, as HTTP Basic sends them. */
    public void addCredentials(String user, String secret) {
        remember(SecretForms.ofCredentials(user, secret));
    }

    /** A complete {@code Authorization} value, and what it holds (a Basic token's key, an {@code ApiKey}'s key). */
    public void addAuthorization(String header) {
        remember(SecretForms.ofAuthorization(header));
    }

    /** The {@code user:password} of a URL as it is written there (percent-encoded), e.g. a proxy's. */
    public void addUserInfo(String rawUserInfo) {
        if (rawUserInfo == null) {
            return;
        }
        int colon = rawUserInfo.indexOf(':');
        if (colon < 0) {
            return;
        }
        String password = rawUserInfo.substring(colon + 1);
        add(password);
        try {
            addCredentials(URLDecoder.decode(rawUserInfo.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(password, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notEncoded) {
            addCredentials(rawUserInfo.substring(0, colon), password);
        }
    }

    public String redact(String text) {
        String result = text;
        for (String form : longestFirst) {
            result = result.replace(form, MASK);
        }
        return result;
    }

    private synchronized void remember(Set<String> encodings) {
        boolean grew = false;
        for (String form : encodings) {
            if (form.strip().length() >= SHORTEST) {
                grew |= forms.add(form);
            }
        }
        if (grew) {
            longestFirst = forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        }
    }
}
