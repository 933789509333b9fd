package dev.zdd.e2e;

import dev.zdd.sandbox.Sandbox;
import java.time.Duration;

/** A sandbox whose containers sit behind a real HAProxy, every server UP: the stage each scenario starts from. */
final class SandboxStage implements AutoCloseable {

    private static final Duration UP_WITHIN = Duration.ofSeconds(15);

    final Sandbox sandbox;
    final Haproxy haproxy;
    final SandboxApi api;

    private SandboxStage(Sandbox sandbox, Haproxy haproxy) {
        this.sandbox = sandbox;
        this.haproxy = haproxy;
        this.api = new SandboxApi(sandbox);
    }

    static SandboxStage start(Sandbox.Builder builder) throws Exception {
        Haproxy.requireInstalled();
        Sandbox sandbox = builder.build().start();
        try {
            return new SandboxStage(sandbox, Haproxy.start(sandbox.containerPorts(), UP_WITHIN));
        } catch (Throwable e) {
            sandbox.close();
            throw e;
        }
    }

    /** The end of a scenario: every container Running and back in HAProxy's rotation. */
    void awaitAllBack(String... services) throws InterruptedException {
        api.awaitRunning(Duration.ofSeconds(30), services);
        haproxy.awaitAllUp(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        try {
            haproxy.close();
        } finally {
            sandbox.close();
        }
    }
}
