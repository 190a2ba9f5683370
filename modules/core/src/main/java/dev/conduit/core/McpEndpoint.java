package dev.conduit.core;

import java.util.Optional;

import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a transport hands decoded messages to. Implemented by the gateway; transports know no MCP methods.
 * Implementations are thread-safe and never throw: every failure comes back as a JSON-RPC error response.
 */
@FunctionalInterface
public interface McpEndpoint {

    /**
     * Handles one message.
     *
     * @param message the decoded message
     * @param context who sent it, within which session, and the way back
     * @return the response to a request; empty for notifications and responses
     */
    Optional<JsonRpcResponse> handle(JsonRpcMessage message, RequestContext context);

    /**
     * The input schema of the tool {@code name} as {@code principal} may call it, for checks a transport makes before
     * the request is handled (the {@code Mcp-Param-*} headers of {@link McpParamHeaders}); empty when the principal
     * has no such tool (the request then fails as it would anyway).
     */
    default Optional<ObjectNode> toolInputSchema(String name, Principal principal) {
        return Optional.empty();
    }
}
