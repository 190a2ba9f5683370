/**
 * The MCP server behind every transport: one small handler per method group (lifecycle, tools, discovery), Code Mode
 * executions, and the single dispatch path that turns every failure into a JSON-RPC error. The tools it serves come
 * from a {@link dev.conduit.core.tool.ToolCatalog}; the app hands it the upstream module's, and the gateway knows no
 * upstream.
 * Transports reach it only through {@link dev.conduit.core.McpEndpoint}. It records executions and tool calls through
 * Helidon's metrics API; the ops module exports them.
 */
module dev.conduit.gateway {
    requires transitive dev.conduit.core;
    requires transitive dev.conduit.auth;
    requires transitive dev.conduit.policy;
    requires dev.conduit.sdkgen;
    requires com.networknt.schema;
    requires jdk.management; // what a guest thread allocated, to end it after spent work (ExecutionPool)
    requires transitive io.helidon.metrics.api;
    requires io.helidon.service.registry;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.conduit.gateway;

    uses dev.conduit.core.spi.ExecutorProvider;
}
