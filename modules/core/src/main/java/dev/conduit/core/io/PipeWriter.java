package dev.conduit.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Writes newline-terminated messages to a pipe (a child's stdin, our own stdout) from one platform thread, so that a
 * writer on a virtual thread never blocks in a pipe write: a write to a full pipe would hold the virtual thread's
 * carrier for as long as the reader at the other end does not read. Callers queue whole messages and return at once.
 * <p>
 * The queue is bounded in bytes. {@link #writeLine} refuses a message that does not fit with {@link PipeFullException}
 * and nothing else changes, so one oversized or badly timed message fails alone instead of breaking the pipe for
 * everyone; {@link #awaitLine} waits for room instead (backpressure: a virtual thread waiting on a semaphore releases
 * its carrier). When the pipe itself fails, every later write fails with the cause. Thread-safe.
 */
public final class PipeWriter implements AutoCloseable {
    private static final Entry STOP = new Entry(new byte[0], 0);

    private record Entry(byte[] bytes, int permits) {
    }

    private final OutputStream out;
    private final int maxQueuedBytes;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    /** One permit a byte of room left in the queue. */
    private final Semaphore room;
    private final Thread thread;
    private volatile IOException failure;
    private volatile boolean closed;

    private PipeWriter(String name, OutputStream out, int maxQueuedBytes) {
        this.out = out;
        this.maxQueuedBytes = maxQueuedBytes;
        this.room = new Semaphore(maxQueuedBytes);
        this.thread = PipeThreads.startReader(name, this::drain);
    }

    /**
     * A writer of {@code out} on its own platform thread {@code name}.
     *
     * @param maxQueuedBytes how many bytes may wait to be written (at most {@link Integer#MAX_VALUE}); a single message
     *                       larger than this is refused by {@link #writeLine} and written alone by {@link #awaitLine}
     */
    public static PipeWriter start(String name, OutputStream out, long maxQueuedBytes) {
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be >= 1");
        }
        return new PipeWriter(name, out, (int) Math.min(Integer.MAX_VALUE, maxQueuedBytes));
    }

    /**
     * Queues {@code message} followed by a newline.
     *
     * @throws PipeFullException when the message does not fit in the queue now (nothing was queued)
     * @throws IOException       when the pipe has failed or the writer is closed
     */
    public void writeLine(byte[] message) throws IOException {
        ensureOpen();
        int permits = permits(message);
        if (message.length + 1L > maxQueuedBytes || !room.tryAcquire(permits)) {
            throw new PipeFullException(message.length + 1L, queuedBytes(), maxQueuedBytes);
        }
        queue.add(new Entry(message, permits));
    }

    /**
     * Queues {@code message} followed by a newline, waiting for room first (a message larger than the whole queue
     * waits for the queue to empty).
     *
     * @throws IOException          when the pipe has failed or the writer is closed
     * @throws InterruptedException when interrupted while waiting (nothing was queued)
     */
    public void awaitLine(byte[] message) throws IOException, InterruptedException {
        ensureOpen();
        int permits = permits(message);
        room.acquire(permits);
        if (failure != null || closed) {
            room.release(permits);
            ensureOpen();
        }
        queue.add(new Entry(message, permits));
    }

    /** Bytes queued and not yet written. */
    public long queuedBytes() {
        return maxQueuedBytes - (long) room.availablePermits();
    }

    private int permits(byte[] message) {
        return (int) Math.min(maxQueuedBytes, message.length + 1L);
    }

    private void ensureOpen() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("the pipe failed: " + failed.getMessage(), failed);
        }
        if (closed) {
            throw new IOException("the pipe is closed");
        }
    }

    private void drain() {
        List<Entry> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                for (Entry entry : batch) {
                    if (entry == STOP) {
                        out.flush();
                        return;
                    }
                    out.write(entry.bytes());
                    out.write('\n');
                }
                out.flush(); // one flush per batch: messages queued together leave together
                batch.forEach(entry -> room.release(entry.permits()));
                batch.clear();
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Nothing more will be written: give the room back so that no writer waits for it (up to the bound only:
            // a semaphore's permits cannot exceed Integer.MAX_VALUE).
            queue.clear();
            room.release(Math.max(0, maxQueuedBytes - room.availablePermits()));
        }
    }

    /** Writes what is queued, then stops the thread; the stream itself is left to its owner. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(STOP);
        }
    }

    /**
     * Writes what is queued, then stops, waiting at most {@code timeout} for that.
     *
     * @return whether everything queued was written in time
     */
    public boolean close(java.time.Duration timeout) throws InterruptedException {
        close();
        return thread.join(timeout) && failure == null;
    }

    /** Stops at once, dropping what is queued (for a pipe whose reader is gone). */
    public void abort() {
        closed = true;
        queue.clear();
        thread.interrupt();
    }

    /** A message that does not fit in the writer's queue. */
    public static final class PipeFullException extends IOException {
        private static final long serialVersionUID = 1L;

        PipeFullException(long size, long queued, int max) {
            super("the pipe's queue is full: " + size + " bytes do not fit beside " + queued + " queued (max " + max
                  + ")");
        }
    }
}
