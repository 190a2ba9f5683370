package dev.conduit.core.jsonrpc;

import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC request.
 *
 * @param id     the request id, never {@link JsonRpcId.Null}
 * @param method the method name
 * @param params the params as sent: an object or an array; an empty object when the request had none
 */
public record JsonRpcRequest(JsonRpcId id, String method, JsonNode params) implements JsonRpcMessage {
    public JsonRpcRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(params, "params");
        if (id instanceof JsonRpcId.Null) {
            throw new IllegalArgumentException("a request id cannot be null");
        }
    }

    /** The params as an object, or an invalid-params error when they are an array. */
    public ObjectNode paramsObject() {
        if (params instanceof ObjectNode object) {
            return object;
        }
        throw new RpcException(JsonRpcError.invalidParams("params must be an object"));
    }

    /** The {@code _meta.progressToken} of the request, if the client asked for progress. */
    public Optional<JsonNode> progressToken() {
        JsonNode token = params.path("_meta").path("progressToken");
        return token.isString() || token.isIntegralNumber() ? Optional.of(token) : Optional.empty();
    }
}
