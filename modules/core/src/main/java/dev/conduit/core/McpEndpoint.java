package dev.conduit.core;

import java.util.List;
import java.util.Optional;

import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcResponse;

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
     * The arguments the tool {@code name}, as {@code principal} may call it, mirrors into {@code Mcp-Param-*} headers
     * ({@link McpParamHeaders#bindings}), for the check a transport makes before the request is handled; empty when
     * the tool has none or the principal has no such tool (the request then fails as it would anyway).
     */
    default List<McpParamHeaders.Binding> toolParamBindings(String name, Principal principal) {
        return List.of();
    }

    /**
     * {@code session} has ended: DELETE, its idle timeout, or its connection closed. Whatever the endpoint held for it
     * (resource subscriptions at upstreams) is released; a session rarely unsubscribes before it goes. Called once per
     * session, on the transport's thread; returns promptly.
     */
    default void sessionEnded(McpSession session) {
    }
}
