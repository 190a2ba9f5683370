package dev.conduit.core.jsonrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes bytes into JSON-RPC messages and encodes messages back. Decoding never throws: bad input becomes a
 * {@link Decoded.Malformed} carrying the error response to send, with the request id when it could be read.
 */
public final class JsonRpcCodec {
    private static final String VERSION = "2.0";

    private JsonRpcCodec() {
    }

    /** What decoding produced. */
    public sealed interface Decoded permits Decoded.Single, Decoded.Batch, Decoded.Malformed {
        /** One well-formed message. */
        record Single(JsonRpcMessage message) implements Decoded {
        }

        /** A JSON array of messages; each item is a {@link Single} or a {@link Malformed}. */
        record Batch(List<Decoded> items) implements Decoded {
            public Batch {
                items = List.copyOf(items);
            }
        }

        /** Input that is not a valid message: answer with {@link #response()}. */
        record Malformed(JsonRpcError error, JsonRpcId id) implements Decoded {
            /** The error response to send back. */
            public JsonRpcResponse response() {
                return JsonRpcResponse.failure(id, error);
            }
        }
    }

    /** Decodes one body or line. */
    public static Decoded decode(byte[] input) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(input);
        } catch (JacksonException e) {
            return new Decoded.Malformed(JsonRpcError.parseError(parseMessage(e)), JsonRpcId.NULL);
        }
        if (root == null || root.isMissingNode()) {
            return new Decoded.Malformed(JsonRpcError.parseError("Parse error: the message is empty"), JsonRpcId.NULL);
        }
        if (root instanceof ArrayNode array) {
            if (array.isEmpty()) {
                return invalid("Invalid request: an empty batch", JsonRpcId.NULL);
            }
            List<Decoded> items = new ArrayList<>(array.size());
            array.forEach(item -> items.add(decodeMessage(item)));
            return new Decoded.Batch(items);
        }
        return decodeMessage(root);
    }

    /** Decodes one already-parsed JSON value as a message. */
    public static Decoded decodeMessage(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return invalid("Invalid request: a JSON-RPC message must be a JSON object", JsonRpcId.NULL);
        }
        JsonNode idNode = object.get("id");
        Optional<JsonRpcId> id;
        if (idNode == null) {
            id = Optional.empty();
        } else {
            id = readId(idNode);
            if (id.isEmpty()) {
                return invalid("Invalid request: id must be a string or an integer", JsonRpcId.NULL);
            }
        }
        JsonRpcId replyId = id.orElse(JsonRpcId.NULL);
        JsonNode version = object.get("jsonrpc");
        if (version == null || !version.isString() || !VERSION.equals(version.stringValue())) {
            return invalid("Invalid request: \"jsonrpc\" must be \"2.0\"", replyId);
        }
        JsonNode method = object.get("method");
        if (method != null) {
            return decodeCall(object, method, id, replyId);
        }
        if (object.has("result") || object.has("error")) {
            return decodeResponse(object, replyId);
        }
        return invalid("Invalid request: a message needs a \"method\" (request or notification) "
                       + "or a \"result\" or \"error\" (response)", replyId);
    }

    private static Decoded decodeCall(ObjectNode object, JsonNode method, Optional<JsonRpcId> id, JsonRpcId replyId) {
        if (!method.isString() || method.stringValue().isEmpty()) {
            return invalid("Invalid request: \"method\" must be a non-empty string", replyId);
        }
        JsonNode params = object.get("params");
        if (params == null) {
            params = Json.object();
        } else if (!params.isObject() && !params.isArray()) {
            return invalid("Invalid request: \"params\" must be an object or an array", replyId);
        }
        if (id.isEmpty()) {
            return new Decoded.Single(new JsonRpcNotification(method.stringValue(), params));
        }
        if (id.get() instanceof JsonRpcId.Null) {
            return invalid("Invalid request: a request id must not be null", JsonRpcId.NULL);
        }
        return new Decoded.Single(new JsonRpcRequest(id.get(), method.stringValue(), params));
    }

    private static Decoded decodeResponse(ObjectNode object, JsonRpcId id) {
        if (object.has("result") && object.has("error")) {
            return invalid("Invalid request: a response has either \"result\" or \"error\", not both", id);
        }
        if (object.has("result")) {
            return new Decoded.Single(JsonRpcResponse.success(id, object.get("result")));
        }
        JsonNode error = object.get("error");
        if (!error.path("code").isIntegralNumber() || !error.path("message").isString()) {
            return invalid("Invalid request: \"error\" needs an integer \"code\" and a string \"message\"", id);
        }
        JsonRpcError decoded = new JsonRpcError(error.get("code").asInt(), error.get("message").stringValue(),
                Optional.ofNullable(error.get("data")));
        return new Decoded.Single(JsonRpcResponse.failure(id, decoded));
    }

    private static Optional<JsonRpcId> readId(JsonNode node) {
        if (node.isString()) {
            return Optional.of(JsonRpcId.of(node.stringValue()));
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Optional.of(JsonRpcId.of(node.longValue()));
        }
        if (node.isNull()) {
            return Optional.of(JsonRpcId.NULL);
        }
        return Optional.empty();
    }

    private static Decoded invalid(String message, JsonRpcId id) {
        return new Decoded.Malformed(JsonRpcError.invalidRequest(message), id);
    }

    private static String parseMessage(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 0) {
            return "Parse error: the message is not valid JSON";
        }
        return "Parse error: the message is not valid JSON (line " + location.getLineNr()
               + ", column " + location.getColumnNr() + ")";
    }

    /** The wire form of {@code message}. */
    public static ObjectNode toJson(JsonRpcMessage message) {
        Objects.requireNonNull(message, "message");
        ObjectNode node = Json.object();
        node.put("jsonrpc", VERSION);
        switch (message) {
            case JsonRpcRequest request -> {
                node.set("id", request.id().toJson());
                node.put("method", request.method());
                node.set("params", request.params());
            }
            case JsonRpcNotification notification -> {
                node.put("method", notification.method());
                if (!notification.params().isEmpty()) {
                    node.set("params", notification.params());
                }
            }
            case JsonRpcResponse.Success success -> {
                node.set("id", success.id().toJson());
                node.set("result", success.result());
            }
            case JsonRpcResponse.Failure failure -> {
                node.set("id", failure.id().toJson());
                node.set("error", failure.error().toJson());
            }
        }
        return node;
    }

    /** The UTF-8 bytes of {@code message}, compact, without a trailing newline. */
    public static byte[] encode(JsonRpcMessage message) {
        return Json.mapper().writeValueAsBytes(toJson(message));
    }

    /** The UTF-8 bytes of a JSON array holding {@code messages}. */
    public static byte[] encodeBatch(List<? extends JsonRpcMessage> messages) {
        ArrayNode array = Json.array();
        messages.forEach(message -> array.add(toJson(message)));
        return Json.mapper().writeValueAsBytes(array);
    }
}
