/**
 * The Conduit server: command line, configuration loading and validation, and the wiring of every module into one
 * Helidon WebServer with the MCP socket and the ops socket. Nothing depends on this module.
 */
module dev.conduit.app {
    requires dev.conduit.core;
    requires dev.conduit.auth;
    requires dev.conduit.gateway;
    requires dev.conduit.upstream;
    requires dev.conduit.transport;
    requires dev.conduit.ops;
    requires dev.conduit.policy;
    requires io.helidon.config;
    requires io.helidon.logging.common;
    // The YAML parser is found by ServiceLoader; requiring it puts it in the module graph.
    requires io.helidon.config.yaml;
    requires java.logging;
    // The training run (Training) is a client of the server it starts.
    requires java.net.http;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.exporter.otlp;

    // java.util.logging instantiates the log manager named by -Djava.util.logging.manager reflectively.
    exports dev.conduit.app.logging to java.logging;
}
