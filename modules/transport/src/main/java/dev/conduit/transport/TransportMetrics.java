package dev.conduit.transport;

import java.util.List;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;

/**
 * The listeners' meters, in one place: authentication failures, open sessions and open connections, each labelled
 * with the transport ({@code http}, {@code stdio}, {@code socket}, {@code pipe}). Requests by method and outcome are
 * counted where every transport meets, in the gateway.
 */
final class TransportMetrics {
    private TransportMetrics() {
    }

    /** A caller without a valid API key was refused. */
    static void authFailure(String transport) {
        registry().getOrCreate(Counter.builder("conduit.auth.failures")
                                       .description("Requests refused for a missing or wrong API key")
                                       .tags(List.of(Tag.create("transport", transport)))).increment();
    }

    /** A client went away or stalled before its request was complete (the connection was closed). */
    static void clientGone(String transport) {
        registry().getOrCreate(Counter.builder("conduit.clients.gone")
                                       .description("Requests whose client went away or stalled mid-request")
                                       .tags(List.of(Tag.create("transport", transport)))).increment();
    }

    /** A gauge read when scraped. */
    static void gauge(String name, String description, Supplier<? extends Number> value, String transport) {
        registry().getOrCreate(Gauge.builder(name, () -> value.get().doubleValue()).description(description)
                                       .tags(List.of(Tag.create("transport", transport))));
    }

    /** The process's registry, looked up once on first use rather than on every event. */
    private static MeterRegistry registry() {
        return Registry.INSTANCE;
    }

    private static final class Registry {
        private static final MeterRegistry INSTANCE = Services.get(MeterRegistry.class);
    }
}
