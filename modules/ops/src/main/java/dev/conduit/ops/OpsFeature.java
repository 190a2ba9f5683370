package dev.conduit.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

import io.helidon.health.HealthCheck;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
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
     * A filter that admits only requests bearing {@code token} ({@code Authorization: Bearer <token>}, compared in
     * constant time); others get 401. For an ops socket exposed beyond loopback.
     */
    public static Filter bearerToken(String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return (chain, req, res) -> {
            byte[] presented = req.headers().first(HeaderNames.AUTHORIZATION).orElse("")
                    .getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, presented)) {
                chain.proceed();
            } else {
                res.status(Status.UNAUTHORIZED_401).header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"conduit-ops\"")
                        .send("ops token required");
            }
        };
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
