package dev.zdd.rollout;

/** One server of one load balancer, as the engine steers it. */
record LbRef(LoadBalancer lb, String backend, String name) {

    static LbRef of(LoadBalancer lb, LoadBalancer.Server server) {
        return new LbRef(lb, server.backend(), server.name());
    }

    /** {@code backend/name}. */
    String id() {
        return backend + "/" + name;
    }

    @Override
    public String toString() {
        return id() + " in " + lb.describe();
    }
}
