package dev.conduit.gateway;

import java.util.Optional;

import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads typed values out of request params, answering -32602 with the field's name when one is wrong. */
final class Params {
    private Params() {
    }

    static String requiredString(ObjectNode params, String field) {
        JsonNode value = params.get(field);
        if (value == null || !value.isString()) {
            throw invalid("\"" + field + "\" is required and must be a string");
        }
        return value.stringValue();
    }

    static Optional<String> optionalString(ObjectNode params, String field) {
        JsonNode value = params.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw invalid("\"" + field + "\" must be a string");
        }
        return Optional.of(value.stringValue());
    }

    static Optional<ObjectNode> optionalObject(ObjectNode params, String field) {
        JsonNode value = params.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!(value instanceof ObjectNode object)) {
            throw invalid("\"" + field + "\" must be an object");
        }
        return Optional.of(object);
    }

    static RpcException invalid(String message) {
        return new RpcException(JsonRpcError.invalidParams("Invalid params: " + message));
    }
}
