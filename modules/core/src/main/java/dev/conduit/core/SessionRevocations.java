package dev.conduit.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions ended before their time ({@code DELETE}), remembered until they would have expired anyway, so that no
 * replica takes a signed session id up again once it was ended on another. {@link #inMemory()} remembers them in this
 * process only; a shared store ({@code policy.rate-limits.store}) makes an end hold across replicas.
 */
public interface SessionRevocations {

    /** Remembers that session {@code id} ended, for {@code remaining} (its lifetime left). */
    void revoke(String id, Duration remaining);

    /** Whether session {@code id} was ended. */
    boolean revoked(String id);

    /** Revocations in this process's memory, each forgotten once its lifetime has passed. */
    static SessionRevocations inMemory() {
        return new SessionRevocations() {
            private final Map<String, Long> ended = new ConcurrentHashMap<>();

            @Override
            public void revoke(String id, Duration remaining) {
                long now = System.nanoTime();
                ended.values().removeIf(until -> until - now < 0);
                ended.put(id, now + remaining.toNanos());
            }

            @Override
            public boolean revoked(String id) {
                Long until = ended.get(id);
                return until != null && until - System.nanoTime() > 0;
            }
        };
    }
}
