package dev.zdd.rollout;

/** Two arguments name the same service: redeploying it twice in one run is never what was meant. */
public class DuplicateTargetException extends RuntimeException {

    private final String first;
    private final String second;
    private final String id;

    public DuplicateTargetException(String first, String second, String id) {
        super(first.equals(second)
                ? "'" + first + "' is given twice"
                : "'" + first + "' and '" + second + "' are the same service (" + id + ")");
        this.first = first;
        this.second = second;
        this.id = id;
    }

    public String first() {
        return first;
    }

    public String second() {
        return second;
    }

    public String id() {
        return id;
    }
}
