/**
 * How messages reach the MCP endpoint: MCP Streamable HTTP (spec 2025-11-25, also 2025-06-18 and 2025-03-26) as a
 * Helidon {@link io.helidon.webserver.http.HttpService}, and newline-delimited JSON-RPC on stdio
 * ({@link dev.conduit.transport.StdioTransport}) and on a Unix domain socket
 * ({@link dev.conduit.transport.SocketTransport}), which share one line channel for framing, auth and caps. A
 * transport decodes bytes, guards against DNS rebinding, authenticates the caller, owns sessions and streams, and
 * hands each message to a {@link dev.conduit.core.McpEndpoint}; it knows no MCP method beyond the lifecycle the
 * transport spec ties to it.
 */
module dev.conduit.transport {
    requires transitive dev.conduit.core;
    requires transitive dev.conduit.auth;
    requires transitive io.helidon.webserver;
    // Windows named pipes only; no native code is loaded elsewhere.
    requires io.helidon.metrics.api;
    requires io.helidon.service.registry;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires com.sun.jna;
    requires com.sun.jna.platform;

    exports dev.conduit.transport;
}
