/**
 * The MCP client side of the gateway: connections to the upstream MCP servers (stdio children, Streamable HTTP,
 * legacy HTTP+SSE), their credentials, health and restarts, and {@link dev.conduit.upstream.UpstreamCatalog}, which
 * merges their tools into one {@link dev.conduit.core.tool.ToolCatalog} under {@code <upstream>__<tool>} names. The
 * gateway consumes that catalog through core's tool contract only; the app wires the two.
 */
module dev.conduit.upstream {
    requires transitive dev.conduit.core;
    requires transitive dev.conduit.policy;
    requires io.helidon.webclient.api;
    requires io.helidon.webclient;
    requires io.helidon.http;
    requires transitive io.helidon.metrics.api;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.conduit.upstream;
}
