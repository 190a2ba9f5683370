package dev.conduit.core.jsonrpc;

/**
 * One JSON-RPC 2.0 message, decoded once at the edge. A request expects a response; a notification does not;
 * a response answers a request this side sent.
 */
public sealed interface JsonRpcMessage permits JsonRpcRequest, JsonRpcNotification, JsonRpcResponse {
}
