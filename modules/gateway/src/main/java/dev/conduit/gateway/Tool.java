package dev.conduit.gateway;

import java.util.Objects;

import dev.conduit.core.RequestContext;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool the catalog can call: its definition and how to invoke it.
 *
 * @param definition what {@code tools/list} shows
 * @param invoker    runs a call
 */
public record Tool(ToolDefinition definition, Invoker invoker) {
    public Tool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(invoker, "invoker");
    }

    /** Runs one call of a tool. */
    @FunctionalInterface
    public interface Invoker {
        /**
         * Calls the tool.
         *
         * @param arguments the call's arguments (an empty object when none were sent)
         * @param context   the request being served
         * @return the MCP {@code CallToolResult}
         */
        ObjectNode call(ObjectNode arguments, RequestContext context);
    }
}
