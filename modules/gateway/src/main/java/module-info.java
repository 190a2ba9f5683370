/**
 * The MCP server behind every transport: one small handler per method group (lifecycle, tools, discovery), the
 * tool catalog they serve, and the single dispatch path that turns every failure into a JSON-RPC error.
 * {@code dev.conduit.gateway.upstream} connects to the upstream MCP servers (stdio children, HTTP) and merges their
 * tools into one catalog under {@code <upstream>__<tool>} names.
 * Transports reach it only through {@link dev.conduit.core.McpEndpoint}. It records executions and tool calls through
 * Helidon's metrics API; the ops module exports them.
 */
module dev.conduit.gateway {
    requires transitive dev.conduit.core;
    requires transitive dev.conduit.auth;
    requires transitive dev.conduit.policy;
    requires dev.conduit.sdkgen;
    requires com.networknt.schema;
    requires io.helidon.webclient.api;
    requires io.helidon.webclient;
    requires io.helidon.metrics.api;
    requires io.helidon.service.registry;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.conduit.gateway;
    exports dev.conduit.gateway.upstream;

    uses dev.conduit.core.spi.ExecutorProvider;
}
