/**
 * The MCP server behind every transport: one small handler per method group (lifecycle, tools, discovery), the
 * tool catalog they serve, and the single dispatch path that turns every failure into a JSON-RPC error.
 * Transports reach it only through {@link dev.conduit.core.McpEndpoint}.
 */
module dev.conduit.gateway {
    requires transitive dev.conduit.core;
    requires transitive dev.conduit.auth;

    exports dev.conduit.gateway;
}
