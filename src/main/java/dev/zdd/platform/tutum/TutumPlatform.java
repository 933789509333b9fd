package dev.zdd.platform.tutum;

import dev.zdd.platform.Action;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import java.util.List;

/** Tutum and Docker Cloud over their REST API. (Being written.) */
public final class TutumPlatform implements Platform {

    private final TutumConfig config;

    /**
     * Refuses, before any connection, a plain {@code http://} URL to a non-loopback host unless
     * {@link TutumConfig#insecureHttp()}; throws {@link dev.zdd.platform.PlatformException} of kind CONFIGURATION.
     */
    public TutumPlatform(TutumConfig config) {
        this.config = config;
    }

    @Override
    public List<Service> services() {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public Service service(String id) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public Redeployment redeploy(Service service, boolean reuseVolumes) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public Action action(String actionId) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public List<Container> containers(Service service) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public Container container(String id) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public Redeployment redeploy(Container container, boolean reuseVolumes) {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public String describe() {
        return (config.flavor() == TutumConfig.Flavor.TUTUM ? "Tutum" : "Docker Cloud") + " at " + config.apiUrl();
    }
}
