package dev.conduit.app;

import dev.conduit.policy.SharedBuckets;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/** The meters of the shared rate-limit store (docs/operations.md). */
final class RateStoreMeters {
    private RateStoreMeters() {
    }

    static void register(SharedBuckets shared, MeterRegistry registry) {
        registry.getOrCreate(Gauge.builder("conduit.rate.store.up", () -> shared.reachable() ? 1.0 : 0.0)
                                     .description("1 while the shared rate-limit store answers, 0 while it does not"));
        registry.getOrCreate(FunctionalCounter.builder("conduit.rate.store.failures", shared, SharedBuckets::failures)
                                     .description("Rate-limit decisions made without the shared store (unreachable, "
                                                  + "no answer in time, an error)"));
    }
}
