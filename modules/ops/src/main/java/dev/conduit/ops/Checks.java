package dev.conduit.ops;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Health checks made from plain conditions, so that modules contribute checks without depending on Helidon health. */
public final class Checks {
    private Checks() {
    }

    /** A readiness check named {@code name} that is up while {@code condition} holds. */
    public static HealthCheck readiness(String name, BooleanSupplier condition) {
        return check(name, HealthCheckType.READINESS, condition);
    }

    /**
     * A readiness check that is always up and reports {@code details} (for example the state of each upstream):
     * parts that may fail on their own without making the server unready.
     */
    public static HealthCheck readinessDetails(String name, Supplier<Map<String, String>> details) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckResponse call() {
                HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(HealthCheckResponse.Status.UP);
                details.get().forEach(response::detail);
                return response.build();
            }
        };
    }

    /** A liveness check named {@code name} that is up while {@code condition} holds. */
    public static HealthCheck liveness(String name, BooleanSupplier condition) {
        return check(name, HealthCheckType.LIVENESS, condition);
    }

    private static HealthCheck check(String name, HealthCheckType type, BooleanSupplier condition) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return type;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder()
                        .status(condition.getAsBoolean() ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN)
                        .build();
            }
        };
    }
}
