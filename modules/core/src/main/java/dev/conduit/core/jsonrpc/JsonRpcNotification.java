package dev.conduit.core.jsonrpc;

import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * A JSON-RPC notification: a request without an id, never answered.
 *
 * @param method the method name
 * @param params the params; an empty object when there were none
 */
public record JsonRpcNotification(String method, JsonNode params) implements JsonRpcMessage {
    public JsonRpcNotification {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(params, "params");
    }
}
