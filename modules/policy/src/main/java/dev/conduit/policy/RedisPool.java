package dev.conduit.policy;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Connections to the store of {@link RateStore}, kept for reuse (a few idle ones), one caller per connection at a
 * time. A connection that failed is closed, never reused. After a failure the store is not tried again for a second:
 * calls fail at once meanwhile, so an outage does not add a timeout to every request. Thread-safe.
 */
final class RedisPool implements AutoCloseable {
    private static final int IDLE_CONNECTIONS = 16;
    private static final long RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final RateStore store;
    private final BlockingQueue<RespConnection> idle = new LinkedBlockingQueue<>();
    private volatile long retryAtNanos;
    private volatile boolean failing;

    RedisPool(RateStore store) {
        this.store = store;
    }

    /** Runs {@code work} on a connection of the pool. */
    <T> T with(ConnectionWork<T> work) throws IOException {
        if (failing && System.nanoTime() - retryAtNanos < 0) {
            throw new IOException("the store failed less than a second ago");
        }
        RespConnection connection = idle.poll();
        try {
            if (connection == null) {
                connection = new RespConnection(store);
            }
            T result = work.run(connection);
            failing = false;
            if (idle.size() >= IDLE_CONNECTIONS || !idle.offer(connection)) {
                connection.close();
            }
            return result;
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            retryAtNanos = System.nanoTime() + RETRY_NANOS;
            failing = true;
            throw e;
        }
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface ConnectionWork<T> {
        T run(RespConnection connection) throws IOException;
    }

    @Override
    public void close() {
        for (RespConnection connection = idle.poll(); connection != null; connection = idle.poll()) {
            connection.close();
        }
    }
}
