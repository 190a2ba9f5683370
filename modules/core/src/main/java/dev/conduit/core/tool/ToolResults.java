package dev.conduit.core.tool;

import dev.conduit.core.jsonrpc.Json;
import tools.jackson.databind.node.ObjectNode;

/** {@code CallToolResult}s the gateway itself produces. */
public final class ToolResults {
    private ToolResults() {
    }

    /** A successful result carrying {@code structured} as {@code structuredContent} and as JSON text. */
    public static ObjectNode structured(ObjectNode structured) {
        ObjectNode result = Json.object();
        ObjectNode item = result.putArray("content").addObject();
        item.put("type", "text");
        item.put("text", structured.toString());
        result.set("structuredContent", structured);
        return result;
    }

    /**
     * A tool execution error the model can read and act on (spec 2025-11-25: input validation errors and failures of
     * the tool's backend are results with {@code isError}, not protocol errors).
     */
    public static ObjectNode error(String message) {
        ObjectNode result = Json.object();
        ObjectNode item = result.putArray("content").addObject();
        item.put("type", "text");
        item.put("text", message);
        result.put("isError", true);
        return result;
    }
}
