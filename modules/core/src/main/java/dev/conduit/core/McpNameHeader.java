package dev.conduit.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The {@code Mcp-Name} header of a modern (2026-07-28) Streamable HTTP POST: the tool's or prompt's name, the
 * resource's URI, or the task's id (the tasks extension), of the methods that have one, so that a balancer can route
 * on it without reading the body. A value an HTTP header cannot carry as it is (characters outside visible ASCII and
 * the space, or surrounding whitespace) travels as {@code =?base64?<UTF-8 in Base64>?=}. One place for both
 * directions: the gateway checks what its clients send and writes what it sends its upstreams.
 */
public final class McpNameHeader {
    /** The header's name. */
    public static final String NAME = "Mcp-Name";
    private static final Set<String> NAMED = Set.of(McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET);
    private static final Set<String> TASKS = Set.of(McpMethods.TASKS_GET, McpMethods.TASKS_UPDATE,
                                                    McpMethods.TASKS_CANCEL);
    private static final String SENTINEL_START = "=?base64?";
    private static final String SENTINEL_END = "?=";

    private McpNameHeader() {
    }

    /** The field of the params that the header repeats for {@code method}; empty for a method without one. */
    public static Optional<String> field(String method) {
        if (method.equals(McpMethods.RESOURCES_READ)) {
            return Optional.of("uri");
        }
        if (TASKS.contains(method)) {
            return Optional.of("taskId"); // the tasks extension's methods, routed to the replica holding the task
        }
        return NAMED.contains(method) ? Optional.of("name") : Optional.empty();
    }

    /** The value of that field in {@code params}, for the header; empty for a method without one. */
    public static Optional<String> valueOf(String method, JsonNode params) {
        return field(method).map(name -> params.path(name).asString(""));
    }

    /** {@code value} as the header carries it. */
    public static String encode(String value) {
        boolean plain = !value.isEmpty() && value.equals(value.strip()) && !value.startsWith(SENTINEL_START)
                        && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return plain ? value : SENTINEL_START
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + SENTINEL_END;
    }

    /** A header value as sent, or the text a {@code =?base64?...?=} value encodes; empty when that does not decode. */
    public static Optional<String> decode(String value) {
        if (!(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END)
              && value.length() >= SENTINEL_START.length() + SENTINEL_END.length())) {
            return Optional.of(value.strip());
        }
        String payload = value.substring(SENTINEL_START.length(), value.length() - SENTINEL_END.length());
        if (payload.length() % 4 != 0) {
            return Optional.empty(); // padding is required: Java's decoder would take "SGVsbG8" for "Hello"
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(payload);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
