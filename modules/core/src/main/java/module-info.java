/**
 * Conduit core: the vocabulary every other module speaks.
 * <p>
 * JSON-RPC 2.0 messages as records with a sealed id type ({@code dev.conduit.core.jsonrpc}), the single place that
 * turns failures into JSON-RPC errors, the MCP protocol versions this server speaks, and the contract between a
 * transport and the MCP endpoint behind it ({@link dev.conduit.core.McpEndpoint}, {@link dev.conduit.core.RequestContext}).
 * The tool contract between the MCP server and whatever supplies tools ({@code dev.conduit.core.tool}: the gateway
 * serves a {@link dev.conduit.core.tool.ToolCatalog}, the upstream module implements one) and the spans both make
 * ({@code dev.conduit.core.trace}) live here, so that neither of the two depends on the other.
 * It depends on Jackson, the one JSON library of the project, on Helidon config, which every module reads its
 * own settings from through {@link dev.conduit.core.config.ConfigReader}, and on the OpenTelemetry API.
 */
module dev.conduit.core {
    requires transitive tools.jackson.databind;
    requires transitive io.helidon.config;
    // Automatic modules cannot be required transitively: users of dev.conduit.core.trace require them themselves.
    // GC notifications and per-thread allocation: what programs hold (dev.conduit.core.exec.LiveHeap).
    requires java.management;
    requires jdk.management;
    // Reading the engines' objects for what a program holds, without opening their modules (exec.Reachable).
    requires jdk.unsupported;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.conduit.core;
    exports dev.conduit.core.jsonrpc;
    exports dev.conduit.core.config;
    exports dev.conduit.core.log;
    exports dev.conduit.core.spi;
    exports dev.conduit.core.tool;
    exports dev.conduit.core.trace;
    // Friends only: what a few modules share, not API for everyone.
    exports dev.conduit.core.exec to dev.conduit.exec.graal, dev.conduit.exec.rhino, dev.conduit.exec.deno, dev.conduit.gateway,
            dev.conduit.app;
    exports dev.conduit.core.io to dev.conduit.transport, dev.conduit.upstream, dev.conduit.exec.deno;
}
