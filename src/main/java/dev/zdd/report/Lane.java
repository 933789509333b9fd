package dev.zdd.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the timeline: a service, or one of its containers with {@code --per-container}.
 *
 * @param service   the service's name, as the events carry it
 * @param container the container's name (or id) for a container's lane, else null
 * @param wave      the wave it belongs to, from 1, or 0 when the plan named no waves
 * @param caption   what became of it, in words: {@code redeployed in 4.2s}, {@code timed out}, ...
 * @param phases    what it went through, in time order
 * @param marks     moments: back and ready, failed, the load balancer's drain and UP
 */
public record Lane(String service, String container, int wave, String caption, List<Phase> phases,
                   List<Mark> marks) {

    public Lane {
        phases = List.copyOf(phases);
        marks = List.copyOf(marks);
    }

    /** What the lane is called on the page. */
    public String label() {
        return container == null ? service : container;
    }

    /** A stretch of time in one state. */
    public record Phase(Kind kind, String label, Instant from, Instant to) {
    }

    /** What a phase is; each has its own fill on the page, a pattern as well as a colour. */
    public enum Kind {
        LB_DRAIN("lbdrain", "load balancer drain", "the load balancer drains the service's servers (sessions to 0)"),
        REQUESTED("requested", "requested", "redeploy requested, the platform has not reacted yet"),
        REDEPLOYING("redeploying", "redeploying", "the platform redeploys: Redeploying, Starting, Stopping, ..."),
        RUNNING("running", "running, not yet ready", "the platform says Running; zdd waits until it is back and ready"),
        LB_UP("lbup", "waiting for LB UP", "set ready in the load balancer; zdd waits until it reports the servers UP"),
        DRAIN("drain", "drain delay", "back and ready; zdd waits before it touches the next"),
        SPAN("span", "containers", "from the first container's redeploy to the last one's end");

        private final String css;
        private final String legend;
        private final String meaning;

        Kind(String css, String legend, String meaning) {
            this.css = css;
            this.legend = legend;
            this.meaning = meaning;
        }

        public String css() {
            return css;
        }

        public String legend() {
            return legend;
        }

        public String meaning() {
            return meaning;
        }
    }

    /** A moment on a lane. */
    public record Mark(MarkKind kind, Instant at, String label, String detail) {
    }

    public enum MarkKind {
        READY("ready", "✓"), LB_DRAINED("lbdrained", "◆"), LB_UP("lbup", "▲"), FAILED("failed", "✕"),
        TIMED_OUT("failed", "✕"), INTERRUPTED("failed", "■");

        private final String css;
        private final String symbol;

        MarkKind(String css, String symbol) {
            this.css = css;
            this.symbol = symbol;
        }

        public String css() {
            return css;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** Collects a lane's phases as events arrive: each phase lasts until the next one starts or it is closed. */
    static final class Builder {

        final String service;
        final String container;
        int wave;
        String caption = "";
        final List<Phase> phases = new ArrayList<>();
        final List<Mark> marks = new ArrayList<>();
        private Kind openKind;
        private String openLabel;
        private Instant openFrom;
        Instant lastSeen;

        Builder(String service, String container) {
            this.service = service;
            this.container = container;
        }

        void open(Kind kind, String label, Instant at) {
            close(at);
            openKind = kind;
            openLabel = label;
            openFrom = at;
        }

        void close(Instant at) {
            if (openKind != null) {
                phases.add(new Phase(openKind, openLabel, openFrom, at.isBefore(openFrom) ? openFrom : at));
                openKind = null;
            }
        }

        String label() {
            return container == null ? service : service + " / " + container;
        }

        boolean isOpen() {
            return openKind != null;
        }

        Kind openKind() {
            return openKind;
        }

        void add(Phase phase) {
            phases.add(phase);
        }

        void mark(MarkKind kind, Instant at, String label, String detail) {
            marks.add(new Mark(kind, at, label, detail));
        }

        Lane build() {
            List<Phase> sorted = new ArrayList<>(phases);
            sorted.sort((a, b) -> a.from().compareTo(b.from()));
            List<Mark> sortedMarks = new ArrayList<>(marks);
            sortedMarks.sort((a, b) -> a.at().compareTo(b.at()));
            return new Lane(service, container, wave, caption, sorted, sortedMarks);
        }
    }
}
