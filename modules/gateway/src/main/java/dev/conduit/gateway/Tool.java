package dev.conduit.gateway;

import java.util.Objects;

import dev.conduit.core.RequestContext;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool the catalog can call: its definition, where it comes from, and how to invoke it.
 *
 * @param definition what {@code tools/list} shows (with the exposed name)
 * @param namespace  the upstream id the tool belongs to; allow-lists match on it
 * @param localName  the tool's name at its upstream; allow-lists match on it and calls use it
 * @param invoker    runs a call
 */
public record Tool(ToolDefinition definition, String namespace, String localName, Invoker invoker) {
    public Tool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(localName, "localName");
        Objects.requireNonNull(invoker, "invoker");
    }

    /** Runs one call of a tool. */
    @FunctionalInterface
    public interface Invoker {
        /**
         * Calls the tool.
         *
         * @param call    the arguments and progress token
         * @param context the request being served
         * @return the MCP {@code CallToolResult}
         */
        ObjectNode call(ToolCall call, RequestContext context);
    }
}
