package dev.conduit.core.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;

/**
 * Reads the top-level {@code jsonrpc}, {@code id} and {@code method} members at either end of a message
 * ({@link OversizedMessage}): those before the first member of another name, and those right before the final brace.
 */
final class OversizedMessageReader {
    private static final String STRING = "\"(?:[^\"\\\\]|\\\\.){0,256}\"";
    private static final String SIMPLE = "\"(jsonrpc|id|method)\"\\s*:\\s*(" + STRING + "|-?\\d{1,18})";
    private static final Pattern OPENING = Pattern.compile("\\s*\\{\\s*");
    private static final Pattern LEADING = Pattern.compile(SIMPLE + "\\s*,\\s*");
    private static final Pattern NEXT_NAME = Pattern.compile("\"(\\w+)\"\\s*:");
    /** Members right before the final brace, each after a comma: so none is the first member of a nested object. */
    private static final Pattern CLOSING = Pattern.compile(
            "((?:,\\s*\"(?:jsonrpc|id|method)\"\\s*:\\s*(?:" + STRING + "|-?\\d{1,18})\\s*)+)}\\s*$");
    private static final Pattern TRAILING = Pattern.compile(SIMPLE);

    private JsonRpcId id;
    private String method;
    private boolean invalid;

    private OversizedMessageReader() {
    }

    static OversizedMessage read(byte[] head, byte[] tail) {
        // Latin-1: a byte a character, so a multi-byte character cut at either end cannot fail the decoding.
        String first = new String(head, StandardCharsets.ISO_8859_1);
        String last = new String(tail, StandardCharsets.ISO_8859_1);
        Matcher opening = OPENING.matcher(first);
        if (!opening.lookingAt()) {
            return new OversizedMessage.Unknown(); // not an object: a batch, or not JSON
        }
        OversizedMessageReader members = new OversizedMessageReader();
        int at = opening.end();
        Matcher leading = LEADING.matcher(first);
        while (leading.region(at, first.length()).lookingAt()) {
            members.add(leading.group(1), leading.group(2));
            at = leading.end();
        }
        Matcher next = NEXT_NAME.matcher(first).region(at, first.length());
        String body = next.lookingAt() ? next.group(1) : "";
        Matcher closing = CLOSING.matcher(last);
        if (closing.find()) {
            Matcher trailing = TRAILING.matcher(closing.group(1));
            while (trailing.find()) {
                members.add(trailing.group(1), trailing.group(2));
            }
        }
        return members.kind(body);
    }

    private OversizedMessage kind(String body) {
        boolean answer = body.equals("result") || body.equals("error");
        if (invalid) {
            return new OversizedMessage.Unknown();
        }
        if (answer) {
            return id != null && method == null ? new OversizedMessage.Response(id) : new OversizedMessage.Unknown();
        }
        if (method == null) {
            return new OversizedMessage.Unknown();
        }
        return id != null ? new OversizedMessage.Request(id, method)
                : new OversizedMessage.Notification(method);
    }

    private void add(String name, String token) {
        switch (name) {
            case "id" -> {
                id = id(token);
                invalid |= id == null;
            }
            case "method" -> {
                method = token.startsWith("\"") ? text(token) : null;
                invalid |= method == null;
            }
            default -> invalid |= !token.equals("\"2.0\"");
        }
    }

    private static JsonRpcId id(String token) {
        if (!token.startsWith("\"")) {
            return JsonRpcId.of(Long.parseLong(token));
        }
        String text = text(token);
        return text == null ? null : JsonRpcId.of(text);
    }

    private static String text(String token) {
        try {
            return Json.mapper().readTree(token).asString();
        } catch (JacksonException e) {
            return null;
        }
    }
}
