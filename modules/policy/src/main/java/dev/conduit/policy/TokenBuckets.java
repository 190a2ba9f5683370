package dev.conduit.policy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets in this instance's memory, one per principal and kind, filled continuously at their rate up to their
 * burst. Thread-safe; a principal's buckets are made on first use. For several replicas a shared store would
 * implement {@link RateLimiter} instead.
 */
public final class TokenBuckets implements RateLimiter {
    private final RateLimits limits;
    private final LongSupplier nanoClock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Buckets for {@code limits}, on the system's monotonic clock. */
    public TokenBuckets(RateLimits limits) {
        this(limits, System::nanoTime);
    }

    /** Buckets for {@code limits} on {@code nanoClock} (tests). */
    public TokenBuckets(RateLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
    }

    @Override
    public Decision acquire(String principal, Kind kind) {
        Optional<RateLimits.Bucket> bucket = limits.bucket(principal, kind);
        if (bucket.isEmpty()) {
            return new Allowed();
        }
        State state = states.computeIfAbsent(principal + "\u0000" + kind, key -> new State(bucket.get(),
                                                                                          nanoClock.getAsLong()));
        return state.take(nanoClock.getAsLong());
    }

    private static final class State {
        private final RateLimits.Bucket bucket;
        private double tokens;
        private long updated;

        State(RateLimits.Bucket bucket, long now) {
            this.bucket = bucket;
            this.tokens = bucket.burst();
            this.updated = now;
        }

        synchronized Decision take(long now) {
            tokens = Math.min(bucket.burst(), tokens + (now - updated) / 1e9 * bucket.perSecond());
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return new Allowed();
            }
            double seconds = (1 - tokens) / bucket.perSecond();
            return new Limited(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
        }
    }
}
