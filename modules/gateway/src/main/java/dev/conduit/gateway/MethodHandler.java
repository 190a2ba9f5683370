package dev.conduit.gateway;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import tools.jackson.databind.JsonNode;

/**
 * Serves one JSON-RPC method. Returns the result; throws {@link dev.conduit.core.jsonrpc.RpcException} to answer
 * with a specific error. Any other exception is a fault and becomes a generic internal error.
 */
@FunctionalInterface
interface MethodHandler {
    JsonNode handle(JsonRpcRequest request, RequestContext context);
}
