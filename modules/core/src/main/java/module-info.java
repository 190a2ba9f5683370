/**
 * Conduit core: the vocabulary every other module speaks.
 * <p>
 * JSON-RPC 2.0 messages as records with a sealed id type ({@code dev.conduit.core.jsonrpc}), the single place that
 * turns failures into JSON-RPC errors, the MCP protocol versions this server speaks, and the contract between a
 * transport and the MCP endpoint behind it ({@link dev.conduit.core.McpEndpoint}, {@link dev.conduit.core.RequestContext}).
 * It depends on Jackson, the one JSON library of the project, and on Helidon config, which every module reads its
 * own settings from through {@link dev.conduit.core.config.ConfigReader}.
 */
module dev.conduit.core {
    requires transitive tools.jackson.databind;
    requires transitive io.helidon.config;

    exports dev.conduit.core;
    exports dev.conduit.core.jsonrpc;
    exports dev.conduit.core.config;
    exports dev.conduit.core.io;
    exports dev.conduit.core.spi;
    exports dev.conduit.core.exec;
    exports dev.conduit.core.log;

}
