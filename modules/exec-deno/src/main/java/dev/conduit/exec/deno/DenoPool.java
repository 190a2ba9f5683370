package dev.conduit.exec.deno;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Deno processes started ahead, each waiting for its one program, refilled in the background; and the hard cap on
 * live Deno processes, pooled ones included. A process is used once and then closed, releasing its place.
 */
final class DenoPool implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(DenoPool.class.getName());
    /** How long the seeding run may take; it compiles the runner and runs {@code return 1}, about 0.1 s. */
    private static final Duration SEEDING = Duration.ofSeconds(30);

    private final Path deno;
    private final Path runner;
    /** Deno's cache in which only the runner has run; each process starts with a copy of its own. */
    private final Path template;
    private final DenoSettings settings;
    private final Semaphore live;
    private final BlockingQueue<DenoProcess> ready;
    private final ExecutorService refill = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("deno-pool").daemon(true).factory());
    /** Used processes are killed at once and waited for and removed here, off the request's path. */
    private final ExecutorService cleanup = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;

    DenoPool(Path deno, Path runner, Path template, DenoSettings settings) {
        this.deno = deno;
        this.runner = runner;
        this.template = template;
        this.settings = settings;
        this.live = new Semaphore(settings.maxProcesses());
        this.ready = new ArrayBlockingQueue<>(Math.max(1, settings.poolSize()));
        refill.execute(this::seed); // first on the pool's thread: the processes it starts copy the template
        refill();
    }

    /** Makes the cache template processes start from (DenoProcess#start), under the cap on live processes. */
    private void seed() {
        if (!closed && live.tryAcquire()) {
            try {
                DenoProcess.seed(deno, runner, template, settings.poolMemoryMb(), settings.cpuBackstop(), SEEDING);
            } finally {
                live.release();
            }
        }
    }

    /**
     * A process for one program with a heap cap of {@code heapMb}: a pooled one when its cap is the same, else a
     * fresh one. Waits for a place under the cap until {@code deadlineNanos}.
     *
     * @return the process, or null when no place came free in time
     */
    DenoProcess take(int heapMb, long deadlineNanos) throws InterruptedException {
        if (heapMb == settings.poolMemoryMb()) {
            DenoProcess pooled;
            while ((pooled = ready.poll()) != null) {
                if (ready.isEmpty()) {
                    refill(); // the last one: the next program must not wait for a start
                }
                if (pooled.isAlive()) {
                    return pooled;
                }
                discard(pooled);
            }
        }
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        if (!live.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            return DenoProcess.start(deno, runner, template, heapMb, settings.cpuBackstop());
        } catch (RuntimeException e) {
            live.release();
            throw e;
        }
    }

    /** Kills a used process now; its place is free once it has exited and its directory is gone. */
    void release(DenoProcess process) {
        process.kill();
        try {
            cleanup.execute(() -> discard(process));
        } catch (RejectedExecutionException e) {
            discard(process); // closing: clean up on this thread
        }
    }

    private void discard(DenoProcess process) {
        try {
            process.close();
        } finally {
            live.release();
            refill();
        }
    }

    int pooled() {
        return ready.size();
    }

    /** Completes once what the pool's thread was asked to do so far is done. For tests. */
    CompletableFuture<Void> refilled() {
        return CompletableFuture.runAsync(() -> { }, refill);
    }

    private void refill() {
        if (closed || settings.poolSize() == 0) {
            return;
        }
        refill.execute(() -> {
            while (!closed && ready.size() < settings.poolSize() && live.tryAcquire()) {
                try {
                    DenoProcess started = DenoProcess.start(deno, runner, template, settings.poolMemoryMb(),
                                                            settings.cpuBackstop());
                    if (!ready.offer(started)) {
                        started.close();
                        live.release();
                    }
                } catch (RuntimeException e) {
                    live.release();
                    LOGGER.log(Level.WARNING, "could not start a pooled deno process: " + e.getMessage());
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        refill.shutdownNow();
        try {
            refill.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<DenoProcess> left = new ArrayList<>();
        ready.drainTo(left);
        left.forEach(this::discard);
        cleanup.shutdown();
        try {
            cleanup.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
