package dev.conduit.core.tool;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool as {@code tools/list} shows it.
 *
 * @param name         unique name, 1-128 of {@code [A-Za-z0-9_.-]} (the MCP naming rule)
 * @param title        optional display name
 * @param description  what the tool does, for the model
 * @param inputSchema  JSON Schema of the arguments (an object schema)
 * @param outputSchema optional JSON Schema of {@code structuredContent}
 * @param annotations  optional hints (read-only, destructive, ...)
 * @param extra        every other member the tool came with ({@code icons}, {@code _meta}, {@code execution}, ...),
 *                     passed on as it came: a gateway keeps what it does not interpret
 */
public record ToolDefinition(String name,
                             Optional<String> title,
                             String description,
                             ObjectNode inputSchema,
                             Optional<ObjectNode> outputSchema,
                             Optional<ObjectNode> annotations,
                             ObjectNode extra) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(extra, "extra");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool names are 1-128 of [A-Za-z0-9_.-]: " + name);
        }
    }

    /** A tool with just a name, a description and an input schema. */
    public static ToolDefinition of(String name, String description, ObjectNode inputSchema) {
        return new ToolDefinition(name, Optional.empty(), description, inputSchema, Optional.empty(), Optional.empty(),
                                  Json.object());
    }

    /** The wire form for {@code tools/list}. */
    public ObjectNode toJson() {
        ObjectNode node = extra.deepCopy();
        node.put("name", name);
        title.ifPresent(value -> node.put("title", value));
        node.put("description", description);
        node.set("inputSchema", inputSchema);
        outputSchema.ifPresent(value -> node.set("outputSchema", value));
        annotations.ifPresent(value -> node.set("annotations", value));
        return node;
    }
}
