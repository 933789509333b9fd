package dev.zdd.platform.tutum;

import java.util.List;

/**
 * The JSON objects of the Tutum and Docker Cloud APIs, only the fields zdd reads (snake_case on the wire). They
 * check in their constructors what the mapping to domain types needs, so that a body without it fails as a
 * decode error that names the field instead of a NullPointerException later.
 */
final class ApiObjects {

    private ApiObjects() {
    }

    /** The list envelope: {@code {"meta": {...}, "objects": [...]}}. */
    record Page<T>(Meta meta, List<T> objects) {
        Page {
            require(objects, "objects");
        }

        String next() {
            return meta == null ? null : meta.next();
        }
    }

    record Meta(String next) {
    }

    /** {@code image_name} is the reference the service pulls at every redeploy ({@code repo:tag}). */
    record ServiceObject(String uuid, String resourceUri, String name, String state, String stack,
                         List<String> containers, int runningNumContainers, int targetNumContainers,
                         String imageName) {
        ServiceObject {
            require(uuid, "uuid");
            require(resourceUri, "resource_uri");
            require(name, "name");
            containers = containers == null ? List.of() : containers;
        }
    }

    record ContainerObject(String uuid, String resourceUri, String name, String state, String service,
                           List<Port> containerPorts) {
        ContainerObject {
            require(uuid, "uuid");
            require(name, "name");
            containerPorts = containerPorts == null ? List.of() : containerPorts;
        }
    }

    /** {@code endpoint_uri} is null while the port isn't published. */
    record Port(String endpointUri) {
    }

    record StackObject(String resourceUri, String name) {
        StackObject {
            require(resourceUri, "resource_uri");
            require(name, "name");
        }
    }

    /**
     * {@code object} is the URI of what the action acts on; {@code action} its name, e.g. Service Redeploy;
     * {@code method} and {@code path} the request that started it; {@code start_date} when, e.g.
     * {@code Mon, 13 Oct 2014 11:01:43 +0000}.
     */
    record ActionObject(String uuid, String resourceUri, String state, String object, String action, String method,
                        String path, String startDate) {
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("no \"" + field + "\" field");
        }
    }
}
