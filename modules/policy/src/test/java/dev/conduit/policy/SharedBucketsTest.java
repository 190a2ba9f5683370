package dev.conduit.policy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Buckets shared through a real Redis (Debian's redis-server, started here on a free loopback port): two limiters on
 * one store stand for two replicas.
 */
class SharedBucketsTest {
    private static final Path REDIS = Path.of("/usr/bin/redis-server");
    private static Process redis;
    private static int port;

    @BeforeAll
    static void startRedis() throws Exception {
        assumeTrue(Files.isExecutable(REDIS) || System.getenv("CI") != null,
                   "redis-server is not installed (Debian package redis-server); .ci/run installs it");
        port = freePort();
        startRedisOn(port);
    }

    private static void startRedisOn(int redisPort) throws Exception {
        redis = new ProcessBuilder(REDIS.toString(), "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (RespConnection connection = new RespConnection(store(redisPort, RateStore.OnFailure.CLOSED))) {
                if ("PONG".equals(connection.command("PING"))) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on port " + redisPort, e);
                }
                Thread.onSpinWait();
            }
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKeysLimitHoldsOnceAcrossReplicas() {
        RateLimits limits = limits(port, RateStore.OnFailure.CLOSED, "shared-" + System.nanoTime());
        try (SharedBuckets first = new SharedBuckets(limits); SharedBuckets second = new SharedBuckets(limits)) {
            String key = limits.keys().keySet().iterator().next();
            for (int i = 0; i < 5; i++) {
                SharedBuckets replica = i % 2 == 0 ? first : second;
                assertThat("request " + i, replica.acquire(key, RateLimiter.Kind.REQUESTS),
                           instanceOf(RateLimiter.Allowed.class));
            }
            RateLimiter.Decision sixth = second.acquire(key, RateLimiter.Kind.REQUESTS);
            assertThat(sixth, instanceOf(RateLimiter.Limited.class));
            assertThat(((RateLimiter.Limited) sixth).retryAfter(), greaterThan(Duration.ofSeconds(1)));
            assertThat(first.acquire(key, RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Limited.class));
            // Another kind and another key have buckets of their own; kinds without a bucket are not limited.
            assertThat(first.acquire("someone-else", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
            assertThat(first.acquire(key, RateLimiter.Kind.EXECUTIONS), instanceOf(RateLimiter.Allowed.class));
            assertThat(first.reachable(), is(true));
            assertThat(first.failures(), is(0L));
        }
    }

    @Test
    void anUnreachableStoreFallsBackToLocalBucketsWhenConfiguredSo() throws Exception {
        int nothing = freePort();
        RateLimits limits = limits(nothing, RateStore.OnFailure.LOCAL, "local");
        try (SharedBuckets replica = new SharedBuckets(limits)) {
            for (int i = 0; i < 5; i++) {
                assertThat(replica.acquire("local", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
            }
            assertThat(replica.acquire("local", RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Limited.class));
            assertThat(replica.reachable(), is(false));
            assertThat(replica.failures(), greaterThan(0L));
        }
    }

    @Test
    void anUnreachableStoreRefusesLimitedWorkWhenClosed() throws Exception {
        RateLimits limits = limits(freePort(), RateStore.OnFailure.CLOSED, "closed");
        try (SharedBuckets replica = new SharedBuckets(limits)) {
            RateLimiter.Decision refused = replica.acquire("closed", RateLimiter.Kind.REQUESTS);
            assertThat(refused, instanceOf(RateLimiter.Limited.class));
            assertThat(replica.acquire("unlimited-kind", RateLimiter.Kind.TOOL_CALLS),
                       instanceOf(RateLimiter.Allowed.class));
        }
    }

    /** The store going away mid-run and coming back: decisions fall back meanwhile, then use the store again. */
    @Test
    void theStoreIsUsedAgainOnceItIsBack() throws Exception {
        RateLimits limits = limits(port, RateStore.OnFailure.LOCAL, "outage-" + System.nanoTime());
        String key = limits.keys().keySet().iterator().next();
        try (SharedBuckets replica = new SharedBuckets(limits)) {
            assertThat(replica.acquire(key, RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
            assertThat(replica.reachable(), is(true));
            redis.destroy();
            assertThat(redis.waitFor(10, TimeUnit.SECONDS), is(true));
            assertThat(replica.acquire(key, RateLimiter.Kind.REQUESTS), instanceOf(RateLimiter.Allowed.class));
            assertThat(replica.reachable(), is(false));
            startRedisOn(port);
            // Tried again a second after the failure: polled, bounded.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!replica.reachable() && System.nanoTime() < deadline) {
                replica.acquire(key, RateLimiter.Kind.REQUESTS);
                Thread.onSpinWait();
            }
            assertThat(replica.reachable(), is(true));
        }
    }

    /** Burst 5 at 10 a minute for the key's requests, nothing else limited. */
    private static RateLimits limits(int storePort, RateStore.OnFailure onFailure, String key) {
        return new RateLimits(Map.of(), Map.of(key, Map.of(RateLimiter.Kind.REQUESTS, new RateLimits.Bucket(10 / 60.0, 5))),
                              Optional.of(store(storePort, onFailure)));
    }

    private static RateStore store(int storePort, RateStore.OnFailure onFailure) {
        return new RateStore("127.0.0.1", storePort, Optional.empty(), 0, onFailure, Duration.ofMillis(500));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
