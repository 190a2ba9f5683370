package dev.conduit.policy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;

import dev.conduit.core.SessionRevocations;

/**
 * Ended sessions kept in the shared store ({@code policy.rate-limits.store}), each until its lifetime would have
 * passed, so that a {@code DELETE} on one replica ends the session on all of them. This replica's own ends are also
 * kept in its memory. While the store cannot be reached, a session ended on another replica is not known as ended
 * here (the store's outage is logged and counted by the rate limiter's health); this replica's own ends still hold.
 */
public final class SharedRevocations implements SessionRevocations, AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(SharedRevocations.class.getName());
    private static final String KEY_PREFIX = "conduit:session-ended:";
    private final RedisPool pool;
    private final SessionRevocations local = SessionRevocations.inMemory();

    /** Revocations in {@code store}. */
    public SharedRevocations(RateStore store) {
        this.pool = new RedisPool(store);
    }

    @Override
    public void revoke(String id, Duration remaining) {
        local.revoke(id, remaining);
        long millis = Math.max(1, remaining.toMillis());
        try {
            pool.with(connection -> connection.command("SET", KEY_PREFIX + id, "1", "PX", Long.toString(millis)));
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "the end of a session could not be shared through the store (" + e.getMessage()
                                      + "); other replicas may serve it until it expires");
        }
    }

    @Override
    public boolean revoked(String id) {
        if (local.revoked(id)) {
            return true;
        }
        try {
            return Long.valueOf(1).equals(pool.with(connection -> connection.command("EXISTS", KEY_PREFIX + id)));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
