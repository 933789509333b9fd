package dev.zdd.cli.wiring;

import dev.zdd.platform.Platform;
import dev.zdd.platform.swarm.SwarmPlatform;
import dev.zdd.platform.tutum.TutumConfig;
import dev.zdd.platform.tutum.TutumPlatform;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.util.Random;

/** Turns the resolved platform options into a platform client. */
@FunctionalInterface
public interface PlatformFactory {

    Platform open(Connection connection);

    /** The real adapters, with the system clock and real waits between retries. */
    PlatformFactory STANDARD = standard(Clock.systemUTC(), Sleeper.SYSTEM);

    /** The real adapters, waiting between retries through {@code sleeper}. */
    static PlatformFactory standard(Clock clock, Sleeper sleeper) {
        return connection -> switch (connection.platform()) {
            case TUTUM -> tutum(TutumConfig.Flavor.TUTUM, connection, clock, sleeper);
            case DOCKERCLOUD -> tutum(TutumConfig.Flavor.DOCKERCLOUD, connection, clock, sleeper);
            case SWARM -> new SwarmPlatform(connection.swarm(), clock, sleeper, connection.registries());
        };
    }

    private static Platform tutum(TutumConfig.Flavor flavor, Connection connection, Clock clock, Sleeper sleeper) {
        TutumConfig config = new TutumConfig(flavor, connection.apiUrl(), connection.namespace(),
                connection.authorization(), connection.insecureHttp())
                .withCaCert(connection.caCert())
                .withEnvironment(connection.proxyVariables())
                .withStreamUrl(connection.streamUrl());
        // java.util.Random, not RandomGenerator.getDefault(): that looks up every algorithm's provider first.
        return new TutumPlatform(config, clock, sleeper, new Random());
    }
}
