package dev.zdd.cli.sandbox;

import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zdd sandbox}: runs a local Tutum-compatible platform until interrupted, and prints the {@code export}
 * lines that point zdd at it.
 */
@Command(name = "sandbox", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a local platform with the Tutum and Docker Cloud APIs on loopback, whose services are"
                       + " real local HTTP servers behind a load balancer: for trying zdd and rehearsing a rollout"
                       + " without an account. Prints the export lines that point zdd at it, then runs until interrupted."})
public final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The API's port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--lb-port", paramLabel = "PORT", defaultValue = "8000",
            description = "The load balancer's port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int lbPort;

    @Option(names = "--stream-port", paramLabel = "PORT",
            description = "The events stream's port on 127.0.0.1; 0 picks a free one (default --port + 1, where zdd"
                          + " looks for it, or any free one when that is taken).")
    Integer streamPort;

    @Option(names = "--services", paramLabel = "NAME[.STACK][=IMAGE]", split = ",", defaultValue = "web-1,web-2",
            description = "The services, comma-separated; NAME.STACK puts one in a stack; =IMAGE names the tag it"
                          + " runs, in the sandbox's registry (default sandbox/NAME:latest) (default"
                          + " ${DEFAULT-VALUE}).")
    List<String> services;

    @Option(names = "--containers", paramLabel = "N", defaultValue = "1",
            description = "Containers per service (default ${DEFAULT-VALUE}).")
    int containers;

    @Mixin
    SandboxTimings timings;

    @Option(names = "--fail", paramLabel = "SERVICE", split = ",",
            description = "Make the first redeploy of these services fail: the action ends Failed and the service"
                          + " Stopped (or Partly running); repeatable.")
    List<String> failing = new ArrayList<>();

    @Option(names = "--hang", paramLabel = "SERVICE", split = ",",
            description = "Make the first redeploy of these services hang: the action stays In progress; repeatable.")
    List<String> hanging = new ArrayList<>();

    @Option(names = "--abrupt-stop",
            description = "Kill a redeployed container rather than stop it: requests under way on it are cut, as with"
                          + " an application that ignores SIGTERM (by default they finish).")
    boolean abruptStop;

    @Option(names = "--platform", paramLabel = "NAME", defaultValue = "tutum",
            description = "Which API's export lines to print: tutum (TUTUM_*) or dockercloud (DOCKERCLOUD_*, and"
                          + " ZDD_PLATFORM=dockercloud); the sandbox serves both either way (default ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "sandbox",
            description = "The account name the API accepts (default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--apikey-file", paramLabel = "FILE",
            description = "Require the API key in FILE; by default a random key is made up and printed.")
    Path apiKeyFile;

    private final Environment env;

    public SandboxCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!platform.equals("tutum") && !platform.equals("dockercloud")) {
            throw new ParameterException(spec.commandLine(), "--platform must be tutum or dockercloud, not '"
                                                             + platform + "'");
        }
        String prefix = platform.equals("tutum") ? "TUTUM" : "DOCKERCLOUD";
        Sandbox.Builder builder = builder().events(event -> err.println("[sandbox] " + event));
        try (Sandbox sandbox = start(builder)) {
            out.println("export " + prefix + "_REST_HOST=" + sandbox.apiUrl());
            out.println("export " + prefix + "_USER=" + sandbox.user());
            out.println("export " + prefix + "_APIKEY=" + sandbox.apiKey());
            out.println("export " + prefix + "_STREAM_HOST=" + sandbox.streamUrl());
            if (platform.equals("dockercloud")) {
                out.println("export ZDD_PLATFORM=dockercloud");
            }
            out.println("# load balancer: " + sandbox.lbUrl());
            sandbox.containerPorts().forEach((name, containerPort) ->
                    out.println("# container " + name + ": http://127.0.0.1:" + containerPort + "/"));
            sandbox.images().forEach(image -> out.println("# image " + image + " (push a new one: POST "
                                                          + sandbox.apiUrl() + "/sandbox/images)"));
            String names = String.join(" ", services.stream()
                    .map(s -> s.contains("=") ? s.substring(0, s.indexOf('=')) : s).toList());
            out.println("# then: zdd services; zdd redeploy " + names);
            out.println("# the load balancer's stats page (HAProxy's CSV and stats admin) takes the API's credentials:");
            out.println("export ZDD_LB_AUTH=" + sandbox.user() + ":" + sandbox.apiKey());
            out.println("# and paces a rollout: zdd redeploy --lb '" + sandbox.lbStatsUrl() + "' " + names);
            out.flush();
            err.println("[sandbox] running; Ctrl-C stops it");
            CountDownLatch stop = new CountDownLatch(1);
            try (Interrupts.Registration signals = env.interrupts().onInterrupt(stop::countDown)) {
                stop.await();
            }
            err.println("[sandbox] stopping");
        }
        // Being stopped is how a sandbox ends: that is success, not an interruption of work.
        return ExitCodes.SUCCESS;
    }

    private Sandbox.Builder builder() {
        try {
            return timings.applyTo(Sandbox.builder())
                    .apiPort(checkedPort("--port", port))
                    .lbPort(checkedPort("--lb-port", lbPort))
                    .streamPort(streamPort == null ? -1 : checkedPort("--stream-port", streamPort))
                    .services(services)
                    .containersPerService(containers)
                    .user(user)
                    .apiKey(apiKeyFile == null ? null : readKey(apiKeyFile))
                    .clock(env.clock())
                    .sleeper(env.sleeper())
                    .failing(failing)
                    .hanging(hanging)
                    .abruptStop(abruptStop);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Sandbox start(Sandbox.Builder builder) throws IOException {
        Sandbox sandbox;
        try {
            sandbox = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage()); // e.g. --fail names no service
        }
        try {
            return sandbox.start();
        } catch (java.net.BindException e) {
            throw new ParameterException(spec.commandLine(), "cannot listen on 127.0.0.1:" + port + " or :" + lbPort
                                                             + " (" + e.getMessage() + "): choose free ports with"
                                                             + " --port and --lb-port, or 0 for any");
        }
    }

    private int checkedPort(String option, int value) {
        if (value < 0 || value > 65535) {
            throw new ParameterException(spec.commandLine(), option + " must be a port number (0-65535), not "
                                                             + value);
        }
        return value;
    }

    private String readKey(Path file) {
        try {
            String key = Files.readString(file).strip();
            if (key.isEmpty() || key.contains(":")) {
                throw new ParameterException(spec.commandLine(), "--apikey-file " + file
                                                                 + " must hold one API key (no colon)");
            }
            return key;
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read --apikey-file " + file + ": " + e);
        }
    }
}
