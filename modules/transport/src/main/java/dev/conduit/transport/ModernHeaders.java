package dev.conduit.transport;

import java.util.List;
import java.util.Optional;

import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpNameHeader;
import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.Principal;
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
 * {@code =?base64?...?=} form); a tool's {@code x-mcp-header} parameters must agree with their {@code Mcp-Param-*}
 * headers. Any difference is -32020 with HTTP 400.
 */
final class ModernHeaders {
    static final HeaderName METHOD = HeaderNames.create("Mcp-Method");
    static final HeaderName NAME = HeaderNames.create(McpNameHeader.NAME);

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
        Optional<String> field = McpNameHeader.field(request.method());
        if (field.isEmpty()) {
            return Optional.empty();
        }
        String body = request.params().path(field.get()).asString("");
        Optional<String> name = headers.first(NAME);
        if (name.isEmpty()) {
            return error("the Mcp-Name header is required for " + request.method());
        }
        Optional<String> decoded = McpNameHeader.decode(name.get());
        if (decoded.isEmpty()) {
            return error("the Mcp-Name header is not valid: a =?base64?...?= value that does not decode");
        }
        return decoded.get().equals(body) ? Optional.empty()
                : error("Mcp-Name header value '" + decoded.get() + "' does not match body value '" + body + "'");
    }

    /**
     * Why the {@code Mcp-Param-*} headers of a {@code tools/call} do not fit its arguments, for a tool whose input
     * schema marks parameters with {@code x-mcp-header} ({@link McpParamHeaders}); empty for every other request.
     */
    static Optional<JsonRpcError> paramMismatch(Headers headers, JsonRpcRequest request, McpEndpoint endpoint,
                                                Principal principal) {
        if (!request.method().equals(McpMethods.TOOLS_CALL) || !request.params().path("name").isString()) {
            return Optional.empty();
        }
        List<McpParamHeaders.Binding> bindings = endpoint.toolParamBindings(request.params().path("name").stringValue(),
                                                                             principal);
        if (bindings.isEmpty()) {
            return Optional.empty();
        }
        return McpParamHeaders.mismatch(bindings, request.params().path("arguments"),
                                        name -> headers.first(HeaderNames.create(name)))
                .flatMap(ModernHeaders::error);
    }

    private static Optional<JsonRpcError> error(String message) {
        return Optional.of(Outcome.HEADER_MISMATCH.error("Header mismatch: " + message));
    }
}
