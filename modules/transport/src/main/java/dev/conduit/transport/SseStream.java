package dev.conduit.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.jsonrpc.JsonRpcNotification;

/**
 * The standalone stream a client opens with {@code GET}: server-initiated messages for its session. The queue is
 * bounded; a client that does not read loses messages rather than growing the server's memory.
 */
final class SseStream {
    /** Messages queued for a slow client before new ones are dropped. */
    static final int QUEUE_CAPACITY = 256;

    private final BlockingQueue<JsonRpcNotification> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean closed;

    /** Queues {@code notification}; false when the stream is closed or its queue is full. */
    boolean offer(JsonRpcNotification notification) {
        return !closed && queue.offer(notification);
    }

    /** Ends the stream; the thread serving it returns within one keep-alive interval at most. */
    void close() {
        closed = true;
        // Wake the serving thread now instead of at its next keep-alive.
        queue.offer(new JsonRpcNotification("notifications/closed", dev.conduit.core.jsonrpc.Json.object()));
    }

    boolean closed() {
        return closed;
    }

    /**
     * Serves the stream on the calling thread until it is closed or the client goes away.
     *
     * @param out       the response body
     * @param keepAlive how long to wait for a message before writing a comment line
     */
    void serve(OutputStream out, Duration keepAlive) {
        try {
            SseFormat.writeKeepAlive(out);
            while (!closed) {
                JsonRpcNotification next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (closed) {
                    return;
                }
                if (next == null) {
                    SseFormat.writeKeepAlive(out);
                } else {
                    SseFormat.writeMessage(out, next);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            closed = true;
        } catch (InterruptedException e) {
            closed = true;
            Thread.currentThread().interrupt();
        }
    }
}
