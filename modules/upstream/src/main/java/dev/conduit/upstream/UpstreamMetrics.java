package dev.conduit.upstream;

import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The upstreams' meters, read from the catalog's last-known state when scraped: a scrape never starts or contacts an
 * upstream. Per upstream: {@code conduit_upstream_up} (1 when up or not started yet, 0 when down),
 * {@code conduit_upstream_tools}, {@code conduit_upstream_restarts_total} and the catalog's hits and misses.
 */
public final class UpstreamMetrics {
    private UpstreamMetrics() {
    }

    /** Registers the meters of every upstream of {@code catalog} in {@code registry}. */
    public static void register(UpstreamCatalog catalog, MeterRegistry registry) {
        for (UpstreamCatalog.Status status : catalog.status()) {
            String id = status.id();
            List<Tag> upstream = List.of(Tag.create("upstream", id));
            registry.getOrCreate(Gauge.builder("conduit.upstream.up",
                            () -> state(catalog, id).map(s -> "down".equals(s.state()) ? 0.0 : 1.0).orElse(0.0))
                    .description("1 when the upstream is up or not started yet, 0 when it is down").tags(upstream));
            registry.getOrCreate(Gauge.builder("conduit.upstream.tools",
                            () -> state(catalog, id).map(s -> (double) s.tools()).orElse(0.0))
                    .description("Tools the upstream contributes to the catalog").tags(upstream));
            counter(registry, catalog, id, "conduit.upstream.restarts", UpstreamCatalog.Status::restarts,
                    "Times the upstream was started again after its connection ended or failed");
            counter(registry, catalog, id, "conduit.upstream.catalog.hits", UpstreamCatalog.Status::cacheHits,
                    "Lookups that served the upstream's tools from the catalog");
            counter(registry, catalog, id, "conduit.upstream.catalog.misses", UpstreamCatalog.Status::cacheMisses,
                    "Lookups that fetched the upstream's tools again first (first use, stale list)");
        }
    }

    private static void counter(MeterRegistry registry, UpstreamCatalog catalog, String id, String name,
                                ToLongFunction<UpstreamCatalog.Status> value, String description) {
        registry.getOrCreate(FunctionalCounter.builder(name, catalog,
                                                       c -> state(c, id).map(value::applyAsLong).orElse(0L))
                                     .description(description).tags(List.of(Tag.create("upstream", id))));
    }

    private static Optional<UpstreamCatalog.Status> state(UpstreamCatalog catalog, String id) {
        return catalog.status().stream().filter(status -> status.id().equals(id)).findFirst();
    }
}
