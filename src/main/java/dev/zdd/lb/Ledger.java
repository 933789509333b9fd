package dev.zdd.lb;

import dev.zdd.rollout.LoadBalancer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A load balancer whose drains are written down until they are undone, so that whatever ends the process can set
 * the servers ready again: the engine does so whenever a run ends, and this is the net beneath it for an exit the
 * run never sees the end of (a second Ctrl-C exits at once). Safe to use from a shutdown hook while the run's
 * thread still works.
 */
public final class Ledger implements LoadBalancer {

    private final LoadBalancer target;
    private final Set<String> drained = new LinkedHashSet<>();

    public Ledger(LoadBalancer target) {
        this.target = target;
    }

    @Override
    public String describe() {
        return target.describe();
    }

    @Override
    public List<Server> servers() {
        return target.servers();
    }

    @Override
    public void set(String backend, String server, Admin state) {
        String id = backend + "/" + server;
        if (state == Admin.DRAIN) {
            synchronized (drained) {
                drained.add(id);
            }
        }
        target.set(backend, server, state);
        if (state == Admin.READY) {
            synchronized (drained) {
                drained.remove(id);
            }
        }
    }

    /** Sets every server still drained ready; returns one line for each that could not be. */
    public List<String> undo() {
        List<String> ids;
        synchronized (drained) {
            ids = List.copyOf(drained);
        }
        List<String> failures = new ArrayList<>();
        for (String id : ids) {
            int slash = id.indexOf('/');
            try {
                set(id.substring(0, slash), id.substring(slash + 1), Admin.READY);
            } catch (RuntimeException e) {
                failures.add(id + " in " + describe() + ": " + e.getMessage());
            }
        }
        return failures;
    }

    /** Servers drained and not set ready since. */
    public List<String> drained() {
        synchronized (drained) {
            return List.copyOf(drained);
        }
    }
}
