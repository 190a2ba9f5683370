package dev.conduit.sdkgen;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data a sandbox builds its {@code tools} object from: for each tool the execution may call, its exposed name
 * (what the bridge is called with), its namespace and original name, and the identifiers for JavaScript and Python.
 * Everything in it is data, serialized by Jackson; the sandbox parses it with its own JSON parser.
 */
public final class SdkManifest {
    /**
     * Manifests made before, by their tools: every execution asks for one, and what a key may call changes only with
     * the catalog; writing it each time was about 3 % of a program's guest-thread CPU in a profile.
     */
    private static final Map<List<Entry>, String> MADE = new ConcurrentHashMap<>();
    private static final int MAX_MADE = 64;

    private SdkManifest() {
    }

    /** One tool as the manifest sees it. */
    public record Entry(String name, String namespace, String local, String description) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(description, "description");
        }
    }

    /** The manifest of {@code tools} as JSON text. */
    public static String json(List<Entry> tools) {
        String made = MADE.get(tools);
        if (made != null) {
            return made;
        }
        String json = write(tools);
        if (MADE.size() >= MAX_MADE) {
            MADE.clear(); // many keys or a changing catalog: start again rather than track use
        }
        MADE.put(List.copyOf(tools), json);
        return json;
    }

    private static String write(List<Entry> tools) {
        ArrayNode manifest = Json.array();
        for (Entry tool : tools) {
            ObjectNode item = manifest.addObject();
            item.put("name", tool.name());
            item.put("namespace", Identifiers.javascript(tool.namespace()));
            item.put("local", tool.local());
            item.put("identifier", Identifiers.javascript(tool.local()));
            item.put("python", Identifiers.python(tool.local()));
            item.put("description", tool.description());
        }
        return manifest.toString();
    }
}
