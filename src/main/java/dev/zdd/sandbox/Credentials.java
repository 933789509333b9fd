package dev.zdd.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The one user and API key the sandbox accepts, in the forms Tutum's clients sent them: an {@code Authorization}
 * header ({@code Basic base64(user:apikey)}, or the pre-2015-12 {@code ApiKey user:apikey}), or, on the events
 * stream only, the user and key as separate values. Compared in constant time, so that the answer's timing tells
 * nothing about the key. Never shows either in {@link #toString()}.
 */
final class Credentials {

    private final String user;
    private final String apiKey;
    private final byte[] expectedUser;
    private final byte[] expectedKey;

    Credentials(String user, String apiKey) {
        this.user = user;
        this.apiKey = apiKey;
        this.expectedUser = user.getBytes(StandardCharsets.UTF_8);
        this.expectedKey = apiKey.getBytes(StandardCharsets.UTF_8);
    }

    String user() {
        return user;
    }

    /** The key itself, for the one answer that shows it to its owner: Tutum's {@code GET /api/v1/auth/}. */
    String apiKey() {
        return apiKey;
    }

    /** Whether an {@code Authorization} header value carries the sandbox's user and key. */
    boolean accept(String header) {
        if (header == null) {
            return false;
        }
        String credentials;
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                credentials = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
        } else if (header.regionMatches(true, 0, "ApiKey ", 0, 7)) {
            credentials = header.substring(7).trim(); // Tutum's pre-2015-12 scheme, still accepted then
        } else {
            return false;
        }
        int colon = credentials.indexOf(':');
        return colon >= 0 && accept(credentials.substring(0, colon), credentials.substring(colon + 1));
    }

    /** Whether the user and key are the sandbox's. */
    boolean accept(String name, String key) {
        if (name == null || key == null) {
            return false;
        }
        boolean userMatches = MessageDigest.isEqual(expectedUser, name.getBytes(StandardCharsets.UTF_8));
        boolean keyMatches = MessageDigest.isEqual(expectedKey, key.getBytes(StandardCharsets.UTF_8));
        return userMatches & keyMatches;
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", apiKey=***]";
    }
}
