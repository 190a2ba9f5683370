package dev.conduit.core.jsonrpc;

import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * A JSON-RPC response: a {@link Success} carrying a result or a {@link Failure} carrying an error.
 */
public sealed interface JsonRpcResponse extends JsonRpcMessage permits JsonRpcResponse.Success, JsonRpcResponse.Failure {

    /** The id of the request this answers. */
    JsonRpcId id();

    /** A successful response. */
    record Success(JsonRpcId id, JsonNode result) implements JsonRpcResponse {
        public Success {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(result, "result");
        }
    }

    /** An error response. */
    record Failure(JsonRpcId id, JsonRpcError error) implements JsonRpcResponse {
        public Failure {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(error, "error");
        }
    }

    /** A success for {@code id}. */
    static JsonRpcResponse success(JsonRpcId id, JsonNode result) {
        return new Success(id, result);
    }

    /** A failure for {@code id}. */
    static JsonRpcResponse failure(JsonRpcId id, JsonRpcError error) {
        return new Failure(id, error);
    }
}
