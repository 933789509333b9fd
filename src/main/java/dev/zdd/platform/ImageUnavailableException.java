package dev.zdd.platform;

/**
 * An image can't be rolled out: the registry does not know the tag, refused the credentials or was asked without
 * them, can't be reached, or the platform can't set an image at all. Carries the registry's own reason; found in
 * the preflight, it refuses the run before anything is touched.
 */
public class ImageUnavailableException extends RuntimeException {

    private final String image;

    /**
     * @param image  the reference that could not be resolved
     * @param reason why, in the registry's (or the platform's) words, on one line
     */
    public ImageUnavailableException(String image, String reason) {
        super(reason);
        this.image = image;
    }

    /** The reference that could not be resolved. */
    public String image() {
        return image;
    }
}
