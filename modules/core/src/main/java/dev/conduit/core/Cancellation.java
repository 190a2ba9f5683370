package dev.conduit.core;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request that may be cancelled: by the client ({@code notifications/cancelled}), or by the server when it shuts
 * down. Whoever does the work registers what to do on cancellation (several may: an execution and each of its
 * upstream calls); a cancellation that arrives before a registration runs it at registration. Thread-safe.
 */
public final class Cancellation {
    /** The reason given to every request still running when the server's shutdown grace period ends. */
    public static final String SHUTDOWN = "the server is shutting down";

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final Set<Runnable> actions = ConcurrentHashMap.newKeySet();
    private final Cancellation parent;

    /** A request nobody has cancelled yet. */
    public Cancellation() {
        this.parent = null;
    }

    private Cancellation(Cancellation parent) {
        this.parent = parent;
    }

    /**
     * A part of this request's work that can be cancelled on its own (an execution's tool calls, once the program has
     * ended): cancelled with this one, for the same reason, and never the other way round.
     */
    public Cancellation child() {
        Cancellation child = new Cancellation(this);
        Registration registration = onCancel(() -> child.cancel(reason.get()));
        child.onCancel(registration::close); // a cancelled child need not be told again
        return child;
    }

    /** Whether this is {@code request}'s cancellation or that of a part of its work ({@link #child()}). */
    public boolean within(Cancellation request) {
        for (Cancellation at = this; at != null; at = at.parent) {
            if (at == request) {
                return true;
            }
        }
        return false;
    }

    /** A registered action; closing it unregisters the action (for work that finished without being cancelled). */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code onCancel} once when the request is cancelled (at once if it already is). */
    public Registration onCancel(Runnable onCancel) {
        Runnable once = new Runnable() {
            @Override
            public void run() {
                if (actions.remove(this)) {
                    onCancel.run();
                }
            }
        };
        actions.add(once);
        if (cancelled()) {
            once.run();
        }
        return () -> actions.remove(once);
    }

    /** Cancels the request by the client's wish; every registered action runs once. */
    public void cancel() {
        cancel("cancelled by the client");
    }

    /** Cancels the request for {@code why}; the first reason given is kept. Every registered action runs once. */
    public void cancel(String why) {
        reason.compareAndSet(null, why);
        actions.forEach(Runnable::run);
    }

    /** Whether the request was cancelled. */
    public boolean cancelled() {
        return reason.get() != null;
    }

    /** Why it was cancelled, once it is. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }
}
