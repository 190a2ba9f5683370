package dev.conduit.core.tool;

import java.util.List;
import java.util.Map;

import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import tools.jackson.databind.node.ObjectNode;

/**
 * What upstream servers offer besides tools: resources, resource templates and prompts, each with the upstream that
 * owns it, and the way to forward a request about one to its owner. The gateway merges, filters by the caller's
 * allow-list, pages and routes; whoever implements this (the upstream module) fetches and forwards. Implementations
 * are thread-safe.
 */
public interface UpstreamFeatures {
    /** A kind of listed item: the list method, the field of the result that holds the items, the capability. */
    enum Kind {
        RESOURCES(McpMethods.RESOURCES_LIST, "resources", "resources"),
        RESOURCE_TEMPLATES(McpMethods.RESOURCES_TEMPLATES_LIST, "resourceTemplates", "resources"),
        PROMPTS(McpMethods.PROMPTS_LIST, "prompts", "prompts");

        private final String method;
        private final String field;
        private final String capability;

        Kind(String method, String field, String capability) {
            this.method = method;
            this.field = field;
            this.capability = capability;
        }

        /** The method that lists this kind. */
        public String method() {
            return method;
        }

        /** The field of the list result that holds the items. */
        public String field() {
            return field;
        }

        /** The server capability that declares this kind. */
        public String capability() {
            return capability;
        }
    }

    /**
     * One listed item and its owner.
     *
     * @param upstream  the owning upstream's id (allow-lists match on it)
     * @param localName the item's name at its upstream (prompts; a resource's or template's name otherwise)
     * @param item      the item as the client sees it: a prompt under its exposed {@code <upstream>__<name>}, a resource
     *                  or template exactly as its upstream sent it
     */
    record Owned(String upstream, String localName, ObjectNode item) {
    }

    /** Every upstream's items of {@code kind}, in configuration order; an upstream that fails is left out, logged. */
    List<Owned> list(Kind kind);

    /**
     * Sends {@code method} with {@code params} to {@code upstream} and answers its result.
     *
     * @throws RpcException the upstream's own JSON-RPC error, or why it could not be reached
     */
    ObjectNode forward(String upstream, String method, ObjectNode params, RequestContext context);

    /**
     * What each upstream declared when it was initialized ({@code resources}, {@code prompts}, {@code completions},
     * {@code logging}, ...), by upstream id; upstreams not yet connected are connected first, and one that cannot be
     * reached within a few seconds declares nothing.
     */
    Map<String, ObjectNode> capabilities();

    /** A client asked for log messages of {@code level} and above; upstreams that log are asked for them too. */
    void logLevel(LogLevel level);

    /** No upstream features at all. */
    static UpstreamFeatures none() {
        return new UpstreamFeatures() {
            @Override
            public List<Owned> list(Kind kind) {
                return List.of();
            }

            @Override
            public ObjectNode forward(String upstream, String method, ObjectNode params, RequestContext context) {
                throw new RpcException(JsonRpcError.invalidParams("No upstream named " + upstream));
            }

            @Override
            public Map<String, ObjectNode> capabilities() {
                return Map.of();
            }

            @Override
            public void logLevel(LogLevel level) {
                // Nobody to tell.
            }
        };
    }
}
