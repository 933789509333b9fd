package dev.zdd.platform;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One container (a Swarm task) of a service.
 *
 * @param id            the platform's identifier
 * @param name          its name, e.g. {@code web-1}; a redeployed container keeps its name but may get a new id
 * @param serviceId     the service it belongs to
 * @param state         its state
 * @param stateLabel    the state as the platform spelled it
 * @param httpEndpoints its published HTTP endpoints ({@code container_ports[].endpoint_uri}), maybe none
 */
public record Container(String id, String name, String serviceId, ContainerState state, String stateLabel,
                        List<URI> httpEndpoints) {

    public Container {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        stateLabel = stateLabel == null ? state.label() : stateLabel;
        httpEndpoints = httpEndpoints == null ? List.of() : List.copyOf(httpEndpoints);
    }
}
