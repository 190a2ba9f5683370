package dev.conduit.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.conduit.core.LocalSession;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request of the modern protocol (2026-07-28), recognised by the protocol version in its {@code _meta}: served
 * statelessly, on every transport, beside the legacy era's sessions. Nothing of an earlier request is used: the
 * request's own {@code _meta} stands in for the session (client capabilities, log level), methods the revision
 * removed are unknown, every result says {@code resultType} and names the server, lists say how long they may be
 * cached and that they are the key's own ({@code cacheScope: private}), and resource-not-found is -32602.
 */
final class ModernEra {
    /** Methods of the legacy era only: the revision removed them. */
    private static final Set<String> REMOVED = Set.of(McpMethods.INITIALIZE, McpMethods.PING,
            McpMethods.LOGGING_SET_LEVEL, McpMethods.RESOURCES_SUBSCRIBE, McpMethods.RESOURCES_UNSUBSCRIBE);
    /** Results a client may cache, and for how long. */
    private static final Map<String, Duration> CACHEABLE = Map.of(
            McpMethods.TOOLS_LIST, Duration.ofSeconds(60),
            McpMethods.PROMPTS_LIST, Duration.ofSeconds(60),
            McpMethods.RESOURCES_LIST, Duration.ofSeconds(60),
            McpMethods.RESOURCES_TEMPLATES_LIST, Duration.ofSeconds(60),
            McpMethods.RESOURCES_READ, Duration.ZERO,
            McpMethods.SERVER_DISCOVER, Duration.ofSeconds(60));

    private final ServerInfo serverInfo;

    ModernEra(ServerInfo serverInfo) {
        this.serverInfo = serverInfo;
    }

    /** Why the request cannot be served in the modern era, if it cannot. */
    Optional<JsonRpcError> refusal(JsonRpcRequest request, String version) {
        if (ProtocolVersion.fromWire(version).filter(ProtocolVersion::modern).isEmpty()) {
            return Optional.of(ProtocolVersion.unsupported(version));
        }
        Optional<String> missing = McpMeta.missing(request);
        if (missing.isPresent()) {
            return Optional.of(JsonRpcError.invalidParams(missing.get()));
        }
        if (REMOVED.contains(request.method())) {
            return Optional.of(JsonRpcError.methodNotFound(request.method() + " (not part of protocol version "
                                                           + version + ")"));
        }
        return Optional.empty();
    }

    /**
     * The context of a modern request: a session of this request alone (its id the transport's, so that a
     * cancellation on the same connection still finds it), holding the capabilities and log level its {@code _meta}
     * declares.
     */
    RequestContext context(JsonRpcRequest request, RequestContext transport) {
        ObjectNode meta = McpMeta.of(request).orElseThrow();
        LocalSession session = new LocalSession(transport.session().id(), transport.session().transport(),
                                                ProtocolVersion.V2026_07_28);
        session.clientCapabilities((ObjectNode) meta.get(McpMeta.CLIENT_CAPABILITIES));
        LogLevel.fromWireName(meta.path(McpMeta.LOG_LEVEL).asString("")).ifPresent(session::logLevel);
        session.markInitialized();
        return new RequestContext(transport.principal(), transport.correlationId(), session, transport.channel(),
                                  transport.cancellation());
    }

    /** The response as the modern era words it. */
    JsonRpcResponse finish(JsonRpcRequest request, JsonRpcResponse response) {
        return switch (response) {
            case JsonRpcResponse.Success success when success.result() instanceof ObjectNode result -> {
                if (!result.has("resultType")) {
                    result.put("resultType", "complete");
                }
                Duration ttl = CACHEABLE.get(request.method());
                if (ttl != null && result.path("resultType").asString("").equals("complete")) {
                    result.put("ttlMs", ttl.toMillis());
                    // Every list is filtered by the caller's key: never for a shared cache.
                    result.put("cacheScope", "private");
                }
                ObjectNode meta = result.get("_meta") instanceof ObjectNode existing ? existing : result.putObject("_meta");
                ObjectNode info = meta.putObject(McpMeta.SERVER_INFO);
                info.put("name", serverInfo.name());
                info.put("version", serverInfo.version());
                yield success;
            }
            case JsonRpcResponse.Success success -> success;
            case JsonRpcResponse.Failure failure when failure.error().code() == ErrorCodes.RESOURCE_NOT_FOUND ->
                    JsonRpcResponse.failure(request.id(), new JsonRpcError(ErrorCodes.INVALID_PARAMS,
                                                                           failure.error().message(),
                                                                           failure.error().data()));
            case JsonRpcResponse.Failure failure -> failure;
        };
    }

    /** Whether {@code request} is of the modern era: its {@code _meta} names a protocol version. */
    static Optional<String> version(JsonRpcRequest request) {
        return McpMeta.protocolVersion(request);
    }
}
