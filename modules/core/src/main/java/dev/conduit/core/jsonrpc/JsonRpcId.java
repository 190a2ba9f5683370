package dev.conduit.core.jsonrpc;

import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The id of a JSON-RPC request: a string or an integer, as MCP allows. {@link Null} is only ever used on error
 * responses to messages whose id could not be read (for example a parse error).
 */
public sealed interface JsonRpcId permits JsonRpcId.Str, JsonRpcId.Num, JsonRpcId.Null {

    /** The id as it goes on the wire. */
    JsonNode toJson();

    /** A string id. */
    record Str(String value) implements JsonRpcId {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.stringNode(value);
        }

        @Override
        public String toString() {
            return '"' + value + '"';
        }
    }

    /** An integer id. */
    record Num(long value) implements JsonRpcId {
        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.numberNode(value);
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** The JSON {@code null} id of an error response to a message whose id is unknown. */
    record Null() implements JsonRpcId {
        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.nullNode();
        }

        @Override
        public String toString() {
            return "null";
        }
    }

    /** The null id. */
    JsonRpcId NULL = new Null();

    /** A string id. */
    static JsonRpcId of(String value) {
        return new Str(value);
    }

    /** An integer id. */
    static JsonRpcId of(long value) {
        return new Num(value);
    }
}
