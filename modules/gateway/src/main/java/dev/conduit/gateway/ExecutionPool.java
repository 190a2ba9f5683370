package dev.conduit.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.Executor;

/**
 * The platform threads guests run on (GraalVM's CPU limit and the allocation budget need platform threads, and
 * GraalJS and virtual threads are not a supported pair), with a bounded queue in front: when both are full a request
 * gets -32000 busy at once. Tool calls made by guests run on the guest's own thread and never need a slot.
 */
final class ExecutionPool implements AutoCloseable {
    private final ThreadPoolExecutor threads;

    ExecutionPool(int size, int queue) {
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        this.threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, waiting,
                                              Thread.ofPlatform().name("conduit-guest-", 0).daemon(true)
                                                      .stackSize(Executor.GUEST_STACK_BYTES).factory());
    }

    /** Runs {@code work} on a guest thread and waits for it; -32000 when the pool and its queue are full. */
    <T> T run(Callable<T> work) throws InterruptedException {
        Future<T> future;
        try {
            future = threads.submit(work);
        } catch (RejectedExecutionException e) {
            throw new RpcException(JsonRpcError.of(ErrorCodes.SERVER_BUSY,
                    "Server busy: every execution slot and the queue are taken; retry shortly"));
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    int running() {
        return threads.getActiveCount();
    }

    int queued() {
        return threads.getQueue().size();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
