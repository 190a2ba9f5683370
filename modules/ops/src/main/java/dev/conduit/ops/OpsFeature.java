package dev.conduit.ops;

import java.util.List;
import java.util.Objects;

import io.helidon.health.HealthCheck;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * Builds the observability feature bound to the ops socket only: {@code /observe/health} (JSON with details;
 * {@code /observe/health/live} and {@code /observe/health/ready}) and {@code /observe/metrics}.
 */
public final class OpsFeature {
    /** The name of the ops socket in {@code server.sockets}. */
    public static final String SOCKET = "ops";

    private OpsFeature() {
    }

    /**
     * The feature for the ops socket.
     *
     * @param checks liveness and readiness checks contributed by the modules that do work
     */
    public static ObserveFeature create(List<HealthCheck> checks) {
        Objects.requireNonNull(checks, "checks");
        HealthObserverConfig.Builder health = HealthObserver.builder().details(true);
        checks.forEach(health::addCheck);
        return ObserveFeature.builder()
                .endpoint("/observe")
                .sockets(List.of(SOCKET))
                .addObserver(health.build())
                .addObserver(MetricsObserver.create())
                .build();
    }
}
