package dev.conduit.transport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.Outcome;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

/**
 * The request headers a modern (2026-07-28) Streamable HTTP POST must carry, checked against its body: a balancer
 * may route on the headers while this server acts on the body, so the two must say the same. {@code MCP-Protocol-Version}
 * must equal the body's {@code _meta} version, {@code Mcp-Method} the method, and {@code Mcp-Name} the tool's or
 * prompt's name or the resource's URI for the methods that have one (decoded first when it comes in the
 * {@code =?base64?...?=} form). Any difference is -32020 with HTTP 400.
 */
final class ModernHeaders {
    static final HeaderName METHOD = HeaderNames.create("Mcp-Method");
    static final HeaderName NAME = HeaderNames.create("Mcp-Name");
    private static final Set<String> NAMED = Set.of(McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET);
    private static final String SENTINEL_START = "=?base64?";
    private static final String SENTINEL_END = "?=";

    private ModernHeaders() {
    }

    /** Why the headers do not fit the body of {@code request}, if they do not. */
    static Optional<JsonRpcError> mismatch(Headers headers, JsonRpcRequest request) {
        String version = McpMeta.protocolVersion(request).orElse("");
        Optional<String> declared = headers.first(StreamableHttpTransport.PROTOCOL_VERSION).map(String::trim);
        if (declared.isEmpty()) {
            return error("the MCP-Protocol-Version header is required (the body says " + version + ")");
        }
        if (!declared.get().equals(version)) {
            return error("MCP-Protocol-Version header value '" + declared.get() + "' does not match body value '"
                         + version + "'");
        }
        Optional<String> method = headers.first(METHOD).map(String::trim);
        if (method.isEmpty()) {
            return error("the Mcp-Method header is required");
        }
        if (!method.get().equals(request.method())) {
            return error("Mcp-Method header value '" + method.get() + "' does not match body value '"
                         + request.method() + "'");
        }
        String field = request.method().equals(McpMethods.RESOURCES_READ) ? "uri"
                : NAMED.contains(request.method()) ? "name" : "";
        if (field.isEmpty()) {
            return Optional.empty();
        }
        String body = request.params().path(field).asString("");
        Optional<String> name = headers.first(NAME);
        if (name.isEmpty()) {
            return error("the Mcp-Name header is required for " + request.method());
        }
        Optional<String> decoded = decode(name.get());
        if (decoded.isEmpty()) {
            return error("the Mcp-Name header is not valid: a =?base64?...?= value that does not decode");
        }
        return decoded.get().equals(body) ? Optional.empty()
                : error("Mcp-Name header value '" + decoded.get() + "' does not match body value '" + body + "'");
    }

    /** A header value as sent, or the text a {@code =?base64?...?=} value encodes; empty when that does not decode. */
    static Optional<String> decode(String value) {
        if (!(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END)
              && value.length() >= SENTINEL_START.length() + SENTINEL_END.length())) {
            return Optional.of(value.strip());
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value.substring(SENTINEL_START.length(),
                                                                      value.length() - SENTINEL_END.length()));
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonRpcError> error(String message) {
        return Optional.of(Outcome.HEADER_MISMATCH.error("Header mismatch: " + message));
    }
}
