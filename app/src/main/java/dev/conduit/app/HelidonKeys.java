package dev.conduit.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The keys Helidon's web server reads under {@code server} and under each of its {@code sockets}, from the config
 * metadata Helidon ships in its jars ({@code META-INF/helidon/config-metadata.json}: each configured type, its
 * options and the types it inherits). With them, a misspelt {@code server.prot} is pointed out like any other typo
 * instead of being left to Helidon, which ignores keys it does not know. Empty when the metadata cannot be read
 * (nothing is then checked, rather than every key reported).
 */
final class HelidonKeys {
    private static final String METADATA = "META-INF/helidon/config-metadata.json";
    private static final String WEB_SERVER = "io.helidon.webserver.WebServer";
    private static final String LISTENER = "io.helidon.webserver.ListenerConfig";

    private final Map<String, JsonNode> types;

    private HelidonKeys(Map<String, JsonNode> types) {
        this.types = types;
    }

    /** The metadata on {@code loader}'s path. */
    static HelidonKeys load(ClassLoader loader) {
        Map<String, JsonNode> types = new HashMap<>();
        try {
            Enumeration<URL> files = loader.getResources(METADATA);
            for (URL file : Collections.list(files)) {
                try (InputStream in = file.openStream()) {
                    for (JsonNode module : Json.mapper().readTree(in)) {
                        module.path("types").forEach(type -> types.put(type.path("type").asString(""), type));
                    }
                }
            }
        } catch (IOException | UncheckedIOException | JacksonException e) {
            return new HelidonKeys(Map.of());
        }
        return new HelidonKeys(types);
    }

    /** The keys of the {@code server} node: the web server's and its default listener's. */
    Set<String> server() {
        return types.containsKey(WEB_SERVER) ? options(WEB_SERVER) : Set.of();
    }

    /** The keys of an entry of {@code server.sockets}: a listener's. */
    Set<String> socket() {
        return types.containsKey(LISTENER) ? options(LISTENER) : Set.of();
    }

    /** Whether the metadata was found: without it no key can be told unknown. */
    boolean known() {
        return types.containsKey(WEB_SERVER) && types.containsKey(LISTENER);
    }

    private Set<String> options(String type) {
        Set<String> keys = new LinkedHashSet<>();
        collect(type, keys, new LinkedHashSet<>());
        return keys;
    }

    private void collect(String type, Set<String> keys, Set<String> seen) {
        JsonNode node = types.get(type);
        if (node == null || !seen.add(type)) {
            return;
        }
        node.path("options").forEach(option -> keys.add(option.path("key").asString("")));
        for (String inherited : node.path("inherits").valueStream().map(JsonNode::asString).toList()) {
            collect(inherited, keys, seen);
        }
    }
}
