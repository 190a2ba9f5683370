package dev.conduit.gateway;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.Cancellation;
import dev.conduit.core.RequestContext;

/**
 * What one program's tool calls are made under: the request's context with a cancellation of the program's own
 * ({@link Cancellation#child()}), cancelled when nobody is left to read their answers: 50 ms after the program's
 * deadline, and when it ends. An upstream still working on such a call is told so ({@code notifications/cancelled},
 * with the reason), and a guest blocked in one (Rhino cannot be stopped inside a Java method) gets on to be stopped.
 */
final class ProgramCalls {
    private static final System.Logger LOGGER = System.getLogger(ProgramCalls.class.getName());

    /**
     * How long after the program's deadline its calls still out are cancelled: time for the engine to stop the
     * program first (a call answered "cancelled" a moment before must not let a program that catches it end with a
     * result), yet before the execution is answered without the guest (200 ms after the deadline).
     */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** How long the program's end waits for its cancelled calls to answer (in the trace): they do at once. */
    private static final long SETTLE_MILLIS = 1000;

    private final RequestContext context;
    private final Cancellation cancellation;
    /** Completed with the reason once the calls still out have no one to answer. */
    private final CompletableFuture<String> over = new CompletableFuture<>();
    /** The started calls not yet answered. */
    private final Set<CompletableFuture<String>> out = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    /** The calls of a program of {@code request} that must end by {@code deadlineNanos} ({@link System#nanoTime}). */
    ProgramCalls(RequestContext request, long deadlineNanos) {
        this.cancellation = request.cancellation().child();
        this.context = new RequestContext(request.principal(), request.correlationId(), request.session(),
                                          request.channel(), cancellation);
        // Cancelling tells upstreams, which may take a request of its own (HTTP): at the deadline not on the JDK's
        // timer thread, at the end on the thread that ends the execution.
        over.completeOnTimeout("the program ran out of time",
                               Math.max(0, deadlineNanos + GRACE_NANOS - System.nanoTime()), TimeUnit.NANOSECONDS)
                .thenAccept(why -> {
                    if (ended) {
                        cancellation.cancel(why);
                    } else {
                        Thread.ofVirtual().name("conduit-calls-cancel").start(() -> cancellation.cancel(why));
                    }
                });
    }

    /** The context the program's calls are made under. */
    RequestContext context() {
        return context;
    }

    /** Keeps {@code answer}, a started call's, until it completes: the program's end waits for it. */
    void track(CompletableFuture<String> answer) {
        out.add(answer);
        answer.whenComplete((text, failure) -> out.remove(answer));
    }

    /**
     * Whether the program no longer waits for its calls: they were cancelled (it ended, ran out of time, or its request
     * was cancelled), or its engine interrupted the calling thread to stop it.
     */
    boolean abandoned() {
        return cancellation.cancelled() || Thread.currentThread().isInterrupted();
    }

    /** Why the calls were abandoned, as the program's trace says it. */
    String reason() {
        return cancellation.reason().orElse("the program was stopped");
    }

    /** The program has ended: cancels the calls still out, and waits a moment for them to answer (for the trace). */
    void end() {
        ended = true;
        over.complete("the program ended before the call answered");
        CompletableFuture<?>[] left = out.toArray(CompletableFuture<?>[]::new);
        if (left.length == 0) {
            return;
        }
        try {
            CompletableFuture.allOf(left).get(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "[" + context.correlationId() + "] a program's cancelled calls "
                                                  + "did not answer at once; the trace goes without them");
        }
    }
}
