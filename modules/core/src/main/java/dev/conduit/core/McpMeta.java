package dev.conduit.core;

import java.util.Optional;

import dev.conduit.core.jsonrpc.JsonRpcRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reserved {@code _meta} keys of the modern protocol (2026-07-28): what every request says about itself in place
 * of a session, and what a result says about the server.
 */
public final class McpMeta {
    /** The request's protocol version (required on a modern request). */
    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    /** The client's capabilities for this request (required). */
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    /** The client's name and version (should be sent). */
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    /** The lowest level of log messages the client wants for this request; none without it. */
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    /** The server's name and version, in a result's {@code _meta}. */
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    /** The {@code subscriptions/listen} request a notification on a listen stream belongs to (its JSON-RPC id). */
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    private McpMeta() {
    }

    /** The request's {@code params._meta}, if it has one. */
    public static Optional<ObjectNode> of(JsonRpcRequest request) {
        return request.params() instanceof ObjectNode params && params.get("_meta") instanceof ObjectNode meta
                ? Optional.of(meta) : Optional.empty();
    }

    /**
     * What a modern request's {@code _meta} lacks of what the revision requires (its protocol version and the client's
     * capabilities), as a message for -32602; empty when nothing is missing.
     */
    public static Optional<String> missing(JsonRpcRequest request) {
        Optional<ObjectNode> meta = of(request);
        if (meta.isEmpty()) {
            return Optional.of("Invalid params: a 2026-07-28 request must carry params._meta with \"" + PROTOCOL_VERSION
                               + "\" and \"" + CLIENT_CAPABILITIES + "\"");
        }
        if (!meta.get().path(PROTOCOL_VERSION).isString()) {
            return Optional.of("Invalid params: _meta lacks \"" + PROTOCOL_VERSION + "\"");
        }
        if (!(meta.get().get(CLIENT_CAPABILITIES) instanceof ObjectNode)) {
            return Optional.of("Invalid params: _meta lacks \"" + CLIENT_CAPABILITIES + "\" (an object; {} declares "
                               + "no capability)");
        }
        return Optional.empty();
    }

    /** The protocol version a modern request names in its {@code _meta}; empty for a legacy request. */
    public static Optional<String> protocolVersion(JsonRpcRequest request) {
        return of(request).map(meta -> meta.get(PROTOCOL_VERSION)).filter(JsonNode::isString)
                .map(JsonNode::stringValue);
    }
}
