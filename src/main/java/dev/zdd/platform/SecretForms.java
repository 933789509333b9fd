package dev.zdd.platform;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every form in which a secret can show once something has encoded it: as it is, JSON-escaped (as zdd's JSON and
 * most servers write it, with or without escaped slashes and non-ASCII), URL-encoded (form and path style),
 * HTML-escaped (the report), and, for credentials, base64 of {@code user:secret} and the decoded halves of an
 * {@code Authorization} value. Whoever masks output masks all of them.
 */
public final class SecretForms {

    private SecretForms() {
    }

    /** The forms of one secret value; empty for null or blank. */
    public static Set<String> of(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        if (secret == null || secret.isBlank()) {
            return forms;
        }
        for (String value : new String[] {secret, secret.strip()}) {
            forms.add(value);
            forms.add(json(value, false, false));
            forms.add(json(value, true, false));
            forms.add(json(value, false, true));
            forms.add(json(value, true, true));
            String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
            forms.add(form);
            forms.add(form.replace("+", "%20"));
            forms.add(lowerPercent(form));
            forms.add(html(value));
        }
        return forms;
    }

    /** A user's secret: its own forms, and those of {@code user:secret} and of its base64 (HTTP Basic). */
    public static Set<String> ofCredentials(String user, String secret) {
        Set<String> forms = of(secret);
        if (secret != null && !secret.isBlank()) {
            String pair = (user == null ? "" : user) + ":" + secret;
            forms.addAll(of(pair));
            forms.addAll(of(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
        }
        return forms;
    }

    /**
     * A complete {@code Authorization} value: the value, its token after the scheme, and what the token holds:
     * {@code Basic base64(user:key)} decoded, or the key of {@code ApiKey user:key}.
     */
    public static Set<String> ofAuthorization(String header) {
        Set<String> forms = of(header);
        if (header == null || header.isBlank()) {
            return forms;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? "" : value.substring(0, space);
        String token = space < 0 ? value : value.substring(space + 1).strip();
        forms.addAll(of(token));
        String pair = token;
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                pair = token;
            }
        }
        int colon = pair.indexOf(':');
        if (colon >= 0) {
            forms.addAll(ofCredentials(pair.substring(0, colon), pair.substring(colon + 1)));
        } else if (!pair.equals(token)) {
            forms.addAll(of(pair));
        }
        return forms;
    }

    /** Replaces every form of every secret in {@code text} with {@code mask}, the longest first. */
    public static String mask(String text, Set<String> forms, String mask) {
        if (text == null || forms.isEmpty()) {
            return text;
        }
        String result = text;
        for (String form : forms.stream().sorted((a, b) -> b.length() - a.length()).toList()) {
            if (!form.isEmpty()) {
                result = result.replace(form, mask);
            }
        }
        return result;
    }

    private static String json(String value, boolean slashes, boolean nonAscii) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '/' -> out.append(slashes ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || (nonAscii && c > 0x7e)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String html(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** {@code %2F} as {@code %2f}: some encoders write lowercase hex. */
    private static String lowerPercent(String encoded) {
        StringBuilder out = new StringBuilder(encoded);
        for (int i = 0; i + 2 < out.length(); i++) {
            if (out.charAt(i) == '%') {
                out.setCharAt(i + 1, Character.toLowerCase(out.charAt(i + 1)));
                out.setCharAt(i + 2, Character.toLowerCase(out.charAt(i + 2)));
            }
        }
        return out.toString();
    }
}
