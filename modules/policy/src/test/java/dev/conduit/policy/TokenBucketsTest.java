package dev.conduit.policy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.conduit.core.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Buckets on a clock the test moves: the burst, the refill, the retry hint, per principal and kind. */
class TokenBucketsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimits limits = new RateLimits(
            Map.of(RateLimiter.Kind.REQUESTS, new RateLimits.Bucket(2, 3)),
            Map.of("bot", Map.of(RateLimiter.Kind.REQUESTS, new RateLimits.Bucket(0.5, 1))));
    private final TokenBuckets buckets = new TokenBuckets(limits, now::get);

    @Test
    void theBurstPassesThenTheRetryHintSaysWhenATokenIsBack() {
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.acquire("alice", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
        }
        RateLimiter.Decision refused = buckets.acquire("alice", RateLimiter.Kind.REQUESTS);
        assertThat(((RateLimiter.Limited) refused).retryAfter(), is(Duration.ofMillis(500)));
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(buckets.acquire("alice", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
        assertThat(buckets.acquire("alice", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Limited.class));
    }

    @Test
    void principalsAndKindsHaveBucketsOfTheirOwn() {
        assertThat(buckets.acquire("bot", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
        RateLimiter.Decision bot = buckets.acquire("bot", RateLimiter.Kind.REQUESTS);
        assertThat(((RateLimiter.Limited) bot).retryAfter(), is(Duration.ofSeconds(2)));
        assertThat(buckets.acquire("alice", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
        for (int i = 0; i < 1000; i++) {
            assertThat(buckets.acquire("bot", RateLimiter.Kind.TOOL_CALLS), instanceOf(RateLimiter.Allowed.class));
        }
    }

    @Test
    void ratesReadAsCountsPerUnit() {
        assertThat(RateLimits.rate("r", "20/s"), is(20.0));
        assertThat(RateLimits.rate("r", "600/m"), is(10.0));
        assertThat(RateLimits.rate("r", "3600/h"), is(1.0));
        for (String bad : new String[] {"20", "0/s", "-1/m", "x/s", "10/d"}) {
            InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RateLimits.rate("k", bad));
            assertThat(error.getMessage().contains("k"), is(true));
        }
    }
}
