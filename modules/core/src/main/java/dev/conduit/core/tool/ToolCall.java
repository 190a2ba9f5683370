package dev.conduit.core.tool;

import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One call of a tool as the client made it.
 *
 * @param arguments     the arguments (an empty object when none were sent)
 * @param progressToken the client's {@code _meta.progressToken}, when it asked for progress
 */
public record ToolCall(ObjectNode arguments, Optional<JsonNode> progressToken) {
    public ToolCall {
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(progressToken, "progressToken");
    }
}
