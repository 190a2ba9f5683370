package dev.conduit.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Timers for deadlines and heartbeats that are mostly cancelled long before they are due. */
public final class Timers {
    private Timers() {
    }

    /**
     * One platform daemon thread named {@code name} running timed tasks, a cancelled one leaving the queue at once.
     * With the JDK's default a cancelled task stays queued until due, holding what it refers to: when every HTTP
     * request scheduled its 15 s heartbeat and 30 s body deadline here, they kept its exchange and context, some
     * 180,000 of them at 4,000 requests/s, and every request's scheduling paid for a queue that size. (Those are swept
     * now, transport's {@code Deadlines}: even a short queue's lock cost every request.)
     */
    public static ScheduledExecutorService daemon(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name(name).daemon(true).factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
