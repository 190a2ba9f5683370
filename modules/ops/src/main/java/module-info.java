/**
 * The ops socket: health ({@code /observe/health}, with liveness and readiness) and metrics
 * ({@code /observe/metrics}, Prometheus text) served on a listener of their own, never on the MCP socket.
 * Other modules record through Helidon's metrics API; this module only exposes what they record.
 */
module dev.conduit.ops {
    requires transitive io.helidon.webserver;
    requires transitive io.helidon.webserver.observe;
    requires transitive io.helidon.health;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.webserver.observe.metrics;
    requires io.helidon.metrics.api;
    requires io.helidon.service.registry;
    requires micrometer.core;
    requires jdk.management;

    exports dev.conduit.ops;
}
