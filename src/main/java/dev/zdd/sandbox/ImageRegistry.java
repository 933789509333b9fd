package dev.zdd.sandbox;

import dev.zdd.platform.ImageReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's own registry: each tag ({@code repo:tag}) has the digests pushed to it, the newest one current, as
 * a real registry's tag moves with every push. Nothing is stored but the digests: a container "runs" an image by
 * answering with its reference and digest. A redeploy pulls the tag's current digest, as Tutum's did.
 */
final class ImageRegistry {

    /**
     * One push of a tag.
     *
     * @param image   the tag pushed to, {@code repo:tag}
     * @param digest  the new image's digest, {@code sha256:...}
     * @param version the how-manieth push of this tag, from 1
     * @param pushed  when
     */
    record Pushed(String image, String digest, int version, Instant pushed) {

        /** The image pinned to this push: {@code repo:tag@sha256:...}. */
        String pinned() {
            return image + "@" + digest;
        }
    }

    private final Clock clock;
    /** Every push, by tag, oldest first. */
    private final Map<String, List<Pushed>> tags = new LinkedHashMap<>();

    ImageRegistry(Clock clock) {
        this.clock = clock;
    }

    /**
     * Pushes a new image to the tag: its current digest from now on. The digest is the hash of the tag and the
     * push's number, so that it differs with every push and says nothing else.
     *
     * @throws IllegalArgumentException for a reference that is not a tag ({@code repo:tag}, no digest)
     */
    synchronized Pushed push(String reference) {
        String tag = tagOf(reference);
        List<Pushed> pushes = tags.computeIfAbsent(tag, t -> new ArrayList<>());
        int version = pushes.size() + 1;
        Pushed pushed = new Pushed(tag, "sha256:" + sha256(tag + "#" + version), version, clock.instant());
        pushes.add(pushed);
        return pushed;
    }

    /** Pushes the tag's first image unless it has one: what a service is created from. */
    synchronized Pushed ensure(String reference) {
        List<Pushed> pushes = tags.get(tagOf(reference));
        return pushes == null || pushes.isEmpty() ? push(reference) : pushes.get(pushes.size() - 1);
    }

    /**
     * What a pull of {@code reference} gets: a tag's current image, or the push a digest names (in the same
     * repository); empty when the registry has no such tag or digest.
     */
    synchronized Optional<Pushed> pull(String reference) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ref.digest() != null) {
            return tags.values().stream().flatMap(List::stream)
                    .filter(p -> p.digest().equals(ref.digest())
                                 && ImageReference.parse(p.image()).repository().equals(ref.repository()))
                    .findFirst();
        }
        List<Pushed> pushes = tags.get(ref.repository() + ":" + ref.tagOrLatest());
        return pushes == null || pushes.isEmpty() ? Optional.empty() : Optional.of(pushes.get(pushes.size() - 1));
    }

    /** Every tag's current image, in the order the tags were first pushed. */
    synchronized List<Pushed> current() {
        return tags.values().stream().map(pushes -> pushes.get(pushes.size() - 1)).toList();
    }

    /** {@code repo:tag} of a reference without a digest ({@code latest} when it names no tag). */
    static String tagOf(String reference) {
        ImageReference ref = ImageReference.parse(reference);
        if (ref.digest() != null) {
            throw new IllegalArgumentException("push to a tag, not to a digest: '" + reference + "'");
        }
        return ref.repository() + ":" + ref.tagOrLatest();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
