package dev.conduit.core.jsonrpc;

import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The error object of a JSON-RPC failure. Messages are written for the model or person on the other side: they say
 * what was wrong and how to put it right, and never carry stack traces, class names or host paths.
 *
 * @param code    the error code, see {@link ErrorCodes}
 * @param message a short, actionable description
 * @param data    optional structured detail
 */
public record JsonRpcError(int code, String message, Optional<JsonNode> data) {
    public JsonRpcError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(data, "data");
    }

    /** An error without data. */
    public static JsonRpcError of(int code, String message) {
        return new JsonRpcError(code, message, Optional.empty());
    }

    /** -32700. */
    public static JsonRpcError parseError(String message) {
        return of(ErrorCodes.PARSE_ERROR, message);
    }

    /** -32600. */
    public static JsonRpcError invalidRequest(String message) {
        return of(ErrorCodes.INVALID_REQUEST, message);
    }

    /** -32601 for {@code method}. */
    public static JsonRpcError methodNotFound(String method) {
        return of(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method);
    }

    /** -32602. */
    public static JsonRpcError invalidParams(String message) {
        return of(ErrorCodes.INVALID_PARAMS, message);
    }

    /** The error object as JSON-RPC writes it: {@code code}, {@code message} and {@code data} when there is some. */
    public ObjectNode toJson() {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        data.ifPresent(value -> error.set("data", value));
        return error;
    }

    /** This error with {@code data} attached. */
    public JsonRpcError withData(JsonNode value) {
        return new JsonRpcError(code, message, Optional.of(value));
    }
}
