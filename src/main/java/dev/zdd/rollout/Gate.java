package dev.zdd.rollout;

import dev.zdd.platform.Container;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The readiness gate after a step is back: every {@code --ready-path} URL of the redeployed containers and every
 * {@code --ready-url}, one after another, must answer 2xx {@code --ready-successes} times in a row within the same
 * step deadline. A non-2xx answer, a refused connection or a slow answer starts the count again, since a warming
 * application flaps. Then the step is ready.
 */
final class Gate implements Phase {

    /** The longest one attempt may take: a hung server must not hold the wave's other services. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

    private List<URI> urls;
    private int index;
    private int inARow;
    private String last = "no answer yet";

    @Override
    public Progress advance(Step step, Cue cue) {
        RunContext context = step.context();
        if (urls == null) {
            urls = urls(step);
            if (urls == null) {
                return Progress.end(step.fail(step.replacement, "the new container publishes no HTTP port for"
                                                                + " --ready-path"));
            }
            announce(step);
        }
        while (index < urls.size()) {
            if (context.cancellation.isRequested()) {
                return Progress.end(StepEnd.interrupted(step.took()));
            }
            Duration left = Duration.between(context.now(), step.deadline());
            if (left.isNegative() || left.isZero()) {
                return Progress.until(step.deadline());
            }
            String failure;
            try {
                failure = context.readinessCheck.attempt(urls.get(index), RunContext.shortest(ATTEMPT_TIMEOUT, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Progress.end(StepEnd.interrupted(step.took()));
            }
            if (failure != null) {
                inARow = 0;
                last = failure;
                Instant next = context.now().plus(context.readinessCheck.interval());
                return Progress.until(next.isAfter(step.deadline()) ? step.deadline() : next);
            }
            inARow++;
            if (inARow < context.settings.readiness().successes()) {
                Instant next = context.now().plus(context.readinessCheck.interval());
                return Progress.until(next.isAfter(step.deadline()) ? step.deadline() : next);
            }
            index++;
            inARow = 0;
            last = "no answer yet";
            announce(step);
        }
        Duration took = step.took();
        context.listener.ready(step.target(), step.replacement, took);
        return Progress.done();
    }

    @Override
    public StepEnd expired(Step step, String limit) {
        String why = "not ready: GET " + urls.get(index) + " last gave " + last + "; " + limit;
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

    private void announce(Step step) {
        if (index < urls.size()) {
            step.context().listener.detail(step.target(), "waiting for " + urls.get(index) + " to answer 2xx "
                                                          + step.context().settings.readiness().successes()
                                                          + " times in a row");
        }
    }
}
