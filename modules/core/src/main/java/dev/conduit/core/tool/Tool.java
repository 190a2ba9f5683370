package dev.conduit.core.tool;

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
 * @param listed     false for a tool its upstream did not list (forwarded in permissive mode only)
 * @param hasSchema  whether the upstream declared an input schema (strict mode refuses tools without one)
 */
public record Tool(ToolDefinition definition, String namespace, String localName, Invoker invoker, boolean listed,
                   boolean hasSchema) {
    public Tool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(localName, "localName");
        Objects.requireNonNull(invoker, "invoker");
    }

    /** A listed tool with a declared schema. */
    public Tool(ToolDefinition definition, String namespace, String localName, Invoker invoker) {
        this(definition, namespace, localName, invoker, true, true);
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
