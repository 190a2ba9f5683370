package dev.conduit.sdkgen;

import java.util.List;
import java.util.Objects;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data a sandbox builds its {@code tools} object from: for each tool the execution may call, its exposed name
 * (what the bridge is called with), its namespace and original name, and the identifiers for JavaScript and Python.
 * Everything in it is data, serialized by Jackson; the sandbox parses it with its own JSON parser.
 */
public final class SdkManifest {
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
