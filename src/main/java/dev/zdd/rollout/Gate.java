package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The readiness gate after a step is back: every {@code --ready-path} URL of the redeployed containers and every
 * {@code --ready-url} must answer 2xx {@code --ready-successes} times in a row within the same step deadline. They
 * are tried side by side, one attempt of each that has not passed yet per round, a round every check interval, so
 * that a second URL costs no second wait. A non-2xx answer, a refused connection or a slow answer starts that URL's
 * count again, since a warming application flaps. Then the step is ready.
 */
final class Gate implements Phase {

    /** The longest one attempt may take: a hung server must not hold the wave's other services. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final String NO_ANSWER = "no answer yet";

    private List<URI> urls;
    /** Per URL: its 2xx answers in a row so far, and what its last failed attempt gave. */
    private int[] inARow;
    private String[] last;

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        int successes = context.settings.readiness().successes();
        if (urls == null) {
            urls = urls(step);
            if (urls == null) {
                return Progress.end(step.fail(step.replacement, "the new container publishes no HTTP port for"
                                                                + " --ready-path"));
            }
            inARow = new int[urls.size()];
            last = new String[urls.size()];
            Arrays.fill(last, NO_ANSWER);
            if (!urls.isEmpty()) {
                context.listener.detail(step.target(), "waiting for " + (urls.size() == 1 ? urls.get(0)
                        : urls.size() + " URLs (" + urls.get(0) + ", ...)") + " to answer 2xx " + successes
                        + " times in a row");
            }
        }
        boolean passed = true;
        for (int i = 0; i < urls.size(); i++) {
            if (inARow[i] >= successes) {
                continue;
            }
            if (context.cancellation.isRequested()) {
                return Progress.end(StepEnd.interrupted(step.took()));
            }
            Duration left = Duration.between(context.now(), step.deadline());
            if (left.isNegative() || left.isZero()) {
                return Progress.until(step.deadline());
            }
            String failure;
            try {
                failure = context.readinessCheck.attempt(urls.get(i), RunContext.shortest(ATTEMPT_TIMEOUT, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Progress.end(StepEnd.interrupted(step.took()));
            }
            if (failure != null) {
                inARow[i] = 0;
                last[i] = failure;
            } else {
                inARow[i]++;
            }
            passed &= inARow[i] >= successes;
        }
        if (!passed) {
            Instant next = context.now().plus(context.readinessCheck.interval());
            return Progress.until(next.isAfter(step.deadline()) ? step.deadline() : next);
        }
        Duration took = step.took();
        context.listener.ready(step.target(), step.replacement, took);
        return Progress.done();
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        int successes = step.context().settings.readiness().successes();
        List<String> notReady = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            if (inARow[i] < successes) {
                notReady.add("GET " + urls.get(i) + (inARow[i] == 0 ? " last gave " + last[i]
                        : " had " + inARow[i] + " of " + successes + " 2xx answers in a row"
                          + (NO_ANSWER.equals(last[i]) ? "" : ", after " + last[i])));
            }
        }
        String why = "not ready: " + String.join("; ", notReady) + "; " + limit;
        step.context().listener.failed(step.target(), why);
        return StepEnd.timedOut(step.took(), why);
    }

    /** The URLs to check, or null when {@code --ready-path} has no endpoint to go to. */
    private static List<URI> urls(Step step) {
        RunContext context = step.context();
        List<URI> urls = new ArrayList<>();
        if (context.settings.readiness().path() != null) {
            if (step.container() == null) {
                context.containersOf(step.service).forEach(c -> urls.addAll(context.readyUrls(c)));
            } else {
                Container replacement = step.replacement;
                urls.addAll(context.readyUrls(replacement));
                if (urls.isEmpty()) {
                    return null;
                }
            }
        }
        urls.addAll(context.settings.readiness().urls());
        return urls;
    }
}
