package dev.zdd.platform;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference as Docker writes it, {@code [registry/]path[:tag][@digest]}, kept as it was written (no
 * {@code docker.io/library/} added), with the registry it names worked out the way Docker does: the first path
 * part is a registry host when it holds a dot or a colon, or is {@code localhost}; otherwise the image is on Docker
 * Hub.
 *
 * @param domain the registry host (and port) as written, or null when none was (Docker Hub)
 * @param path   the repository's path within the registry, e.g. {@code shop/web} or {@code nginx}
 * @param tag    the tag, or null when none was written
 * @param digest the digest ({@code sha256:...}), or null when none was written
 */
public record ImageReference(String domain, String path, String tag, String digest) {

    /** Where images without a registry host live, and the name Docker's credential stores know it by. */
    public static final String DOCKER_HUB = "docker.io";
    public static final String DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
            + "|\\[[0-9a-fA-F:]+])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile(
            "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    /** Docker's own limit on a repository name. */
    private static final int MAX_NAME = 255;

    public ImageReference {
        Objects.requireNonNull(path, "path");
    }

    /**
     * Parses a reference.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an image reference can't be empty");
        }
        String rest = text.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("'" + digest + "' is not a digest (sha256: and 64 hex digits)");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("'" + tag + "' is not a tag (letters, digits, _ . -, at most 128,"
                                                   + " not starting with . or -)");
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + text.strip() + "' names no repository");
        }
        if (rest.length() > MAX_NAME) {
            throw new IllegalArgumentException("a repository name is at most " + MAX_NAME + " characters long");
        }
        String domain = null;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT))) {
                domain = first;
                path = rest.substring(slash + 1);
                if (!DOMAIN.matcher(domain).matches()) {
                    throw new IllegalArgumentException("'" + domain + "' is not a registry host[:port]");
                }
            }
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("'" + path + "' is not a repository name (lower-case letters,"
                                                   + " digits and . _ - between them, parts separated by /)");
            }
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** The registry's host (and port): the domain as written, or {@value #DOCKER_HUB}. */
    public String registry() {
        if (domain == null || domain.equals("index.docker.io") || domain.equals("registry-1.docker.io")) {
            return DOCKER_HUB;
        }
        return domain;
    }

    /** Whether the image lives on Docker Hub. */
    public boolean onDockerHub() {
        return registry().equals(DOCKER_HUB);
    }

    /** The repository as written: {@code [domain/]path}. */
    public String repository() {
        return domain == null ? path : domain + "/" + path;
    }

    /** The same image named by its tag only (the registry's current digest for it is what it means). */
    public ImageReference withoutDigest() {
        return new ImageReference(domain, path, tag, null);
    }

    /** The same image pinned to {@code value}, its tag kept for people to read (Docker ignores it then). */
    public ImageReference withDigest(String value) {
        return new ImageReference(domain, path, tag, value);
    }

    /** The tag, or {@code latest}, which is what Docker pulls for a reference without one. */
    public String tagOrLatest() {
        return tag == null ? "latest" : tag;
    }

    /** As Docker writes it: {@code [domain/]path[:tag][@digest]}. */
    @Override
    public String toString() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
