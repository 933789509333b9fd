package dev.zdd.platform.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Credentials for one registry, as the Docker Engine takes them in {@code X-Registry-Auth}: the JSON of an auth
 * config, base64url-encoded with its {@code =} padding kept (the engine's decoder wants it).
 *
 * @param username      the user, or null with an identity token
 * @param password      the password, or null
 * @param identityToken an OAuth identity token (a credential helper's {@code <token>} user), or null
 * @param registryToken a bearer token for the registry, or null
 * @param serverAddress the registry as the docker CLI names it ({@code https://index.docker.io/v1/} for Docker
 *                      Hub, else {@code host[:port]})
 * @param source        where they were found, for messages: {@code auths in ...} or a helper's name; no secret
 */
record RegistryAuth(String username, String password, String identityToken, String registryToken,
                    String serverAddress, String source) {

    /** The {@code X-Registry-Auth} header value. */
    String encoded() {
        ObjectNode auth = DockerApi.json().createObjectNode();
        putIfSet(auth, "username", username);
        putIfSet(auth, "password", password);
        putIfSet(auth, "identitytoken", identityToken);
        putIfSet(auth, "registrytoken", registryToken);
        putIfSet(auth, "serveraddress", serverAddress);
        try {
            return Base64.getUrlEncoder().encodeToString(DockerApi.json().writeValueAsBytes(auth));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The secrets it holds, each in the forms it may take on the wire, so that none is ever printed. */
    List<String> secrets() {
        List<String> all = new ArrayList<>();
        for (String secret : new String[] {password, identityToken, registryToken}) {
            if (secret != null && !secret.isEmpty()) {
                all.add(secret);
            }
        }
        if (username != null && password != null) {
            byte[] basic = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
            all.add(Base64.getEncoder().encodeToString(basic));
            all.add(Base64.getUrlEncoder().encodeToString(basic));
        }
        all.add(encoded());
        return all;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "RegistryAuth[username=" + username + ", serverAddress=" + serverAddress + ", source=" + source + "]";
    }
}
