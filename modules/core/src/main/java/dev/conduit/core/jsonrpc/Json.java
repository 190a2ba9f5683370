package dev.conduit.core.jsonrpc;

import java.io.Writer;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The project's one JSON mapper, set up to read untrusted input: duplicate keys are an error, nesting is bounded,
 * trailing content after the value is an error.
 */
public final class Json {
    /** Deepest nesting accepted in a message; far beyond what any MCP message needs, far below a stack overflow. */
    public static final int MAX_NESTING_DEPTH = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** The shared, thread-safe mapper. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A new empty array node. */
    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /**
     * How many characters {@code node}'s JSON text has, counted as it is written instead of made into a string (a
     * direct tool call's audit record has its result's size; making the text for it was a twentieth of the call's CPU).
     */
    public static long length(JsonNode node) {
        CharCount count = new CharCount();
        MAPPER.writeValue(count, node);
        return count.chars;
    }

    /**
     * At least as many bytes as {@code node}'s JSON text has in UTF-8, found by walking the tree instead of writing
     * it: a string counts 6 bytes a character (an escape such as {@code \u0001} is six; no character takes more in
     * UTF-8), numbers of the usual types 24; a node whose text it cannot bound cheaply (a big decimal, binary, a Java
     * object) counts {@link Long#MAX_VALUE}. A check against a limit needs the exact size only when this is above it.
     */
    public static long maxBytes(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> 6L * node.asString().length() + 2;
            case BOOLEAN -> 5;
            case NULL, MISSING -> 4;
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() || node.isDouble() || node.isFloat()
                    ? 24 : Long.MAX_VALUE;
            case ARRAY -> {
                long total = 2 + Math.max(0, node.size() - 1);
                for (JsonNode item : node) {
                    total = saturatedAdd(total, maxBytes(item));
                }
                yield total;
            }
            case OBJECT -> {
                long total = 2 + Math.max(0, node.size() - 1);
                for (var member : node.properties()) {
                    total = saturatedAdd(total, 6L * member.getKey().length() + 3);
                    total = saturatedAdd(total, maxBytes(member.getValue()));
                }
                yield total;
            }
            default -> Long.MAX_VALUE;
        };
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** A writer that keeps nothing but the number of characters written to it. */
    private static final class CharCount extends Writer {
        private long chars;

        @Override
        public void write(char[] buffer, int offset, int length) {
            chars += length;
        }

        @Override
        public void write(int character) {
            chars++;
        }

        @Override
        public void write(String text, int offset, int length) {
            chars += length;
        }

        @Override
        public void flush() {
            // Nothing is kept.
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
