package dev.conduit.policy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets kept in Redis ({@code policy.rate-limits.store}), shared by every replica that names the same store:
 * a key's limit holds once across them. Each decision is one script run atomically by the store (read the bucket,
 * refill it for the time passed on the store's own clock, take a token or say how long until one, write it back with
 * an expiry), so replicas never race and their clocks do not matter. Same buckets and semantics as
 * {@link TokenBuckets}.
 *
 * <p>When the store cannot be reached (connection refused, no answer within {@code timeout}, an error reply), the
 * limiter follows {@link RateStore#onFailure()}: {@code local} limits with this replica's own buckets meanwhile,
 * {@code closed} refuses every limited unit of work with a retry hint. It tries the store again after a second, not
 * on every request ({@link RedisPool}), so an outage does not add a timeout to each one. {@link #reachable()} and
 * {@link #failures()} are for health and metrics. Thread-safe.
 */
public final class SharedBuckets implements RateLimiter, AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(SharedBuckets.class.getName());
    private static final String KEY_PREFIX = "conduit:rate:";
    /** Returns 0 when a token was taken, else the milliseconds until one will be there. */
    private static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or burst
            local at = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
            return wait
            """;
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RateLimits limits;
    private final RateStore store;
    private final TokenBuckets local;
    private final RedisPool pool;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();

    /** Buckets of {@code limits} in the store {@code limits.store()} names. */
    public SharedBuckets(RateLimits limits) {
        this.limits = limits;
        this.store = limits.store().orElseThrow(() -> new IllegalArgumentException("no policy.rate-limits.store"));
        this.local = new TokenBuckets(limits);
        this.pool = new RedisPool(store);
    }

    @Override
    public Decision acquire(String principal, Kind kind) {
        Optional<RateLimits.Bucket> bucket = limits.bucket(principal, kind);
        if (bucket.isEmpty()) {
            return new Allowed();
        }
        try {
            long waitMillis = take(KEY_PREFIX + kind.id() + ":" + principal, bucket.get());
            if (down.compareAndSet(true, false)) {
                LOGGER.log(Level.INFO, "rate-limit store " + store + " reachable again");
            }
            return waitMillis == 0 ? new Allowed() : new Limited(Duration.ofMillis(waitMillis));
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            if (down.compareAndSet(false, true)) {
                LOGGER.log(Level.WARNING, "rate-limit store " + store + " unreachable (" + e.getMessage() + "); "
                        + (store.onFailure() == RateStore.OnFailure.LOCAL ? "each replica limits alone until it is back"
                                                                          : "limited work is refused until it is back"));
            }
            return withoutStore(principal, kind);
        }
    }

    private Decision withoutStore(String principal, Kind kind) {
        return store.onFailure() == RateStore.OnFailure.LOCAL ? local.acquire(principal, kind)
                                                              : new Limited(Duration.ofSeconds(1));
    }

    private long take(String key, RateLimits.Bucket bucket) throws IOException {
        String rate = Double.toString(bucket.perSecond());
        String burst = Integer.toString(bucket.burst());
        Object answer = pool.with(connection -> {
            try {
                return connection.command("EVALSHA", SCRIPT_SHA, "1", key, rate, burst);
            } catch (RespConnection.ErrorReply e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                    throw e;
                }
                return connection.command("EVAL", SCRIPT, "1", key, rate, burst);
            }
        });
        if (!(answer instanceof Long wait)) {
            throw new IOException("unexpected answer from the store: " + answer);
        }
        return wait;
    }

    /** Whether the last use of the store succeeded (true until it fails). */
    public boolean reachable() {
        return !down.get();
    }

    /** Times the store could not be used since start. */
    public long failures() {
        return failures.get();
    }

    /** The store, for health (its password is never shown). */
    public RateStore store() {
        return store;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
