package dev.zdd.cli;

import dev.zdd.platform.Platform;
import dev.zdd.platform.tutum.TutumConfig;
import dev.zdd.platform.tutum.TutumPlatform;

/** Turns the resolved platform options into a platform client. */
@FunctionalInterface
public interface PlatformFactory {

    Platform open(Connection connection);

    /** The real adapters. */
    PlatformFactory STANDARD = connection -> switch (connection.platform()) {
        case TUTUM -> new TutumPlatform(tutum(TutumConfig.Flavor.TUTUM, connection));
        case DOCKERCLOUD -> new TutumPlatform(tutum(TutumConfig.Flavor.DOCKERCLOUD, connection));
        case SWARM -> throw new IllegalStateException("swarm is refused while the options are read");
    };

    private static TutumConfig tutum(TutumConfig.Flavor flavor, Connection connection) {
        return new TutumConfig(flavor, connection.apiUrl(), connection.namespace(), connection.authorization(),
                connection.insecureHttp());
    }
}
