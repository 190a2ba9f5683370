package dev.conduit.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request the client may cancel ({@code notifications/cancelled}). Whoever does the work registers what to do on
 * cancellation; a cancellation that arrives before the registration runs it at registration. Thread-safe.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<Runnable> action = new AtomicReference<>();

    /** A request nobody has cancelled yet. */
    public Cancellation() {
        // Nothing to set up: cancellation starts false with no action.
    }

    /** Runs {@code onCancel} when the request is cancelled (at once if it already is). Replaces an earlier action. */
    public void onCancel(Runnable onCancel) {
        action.set(onCancel);
        if (cancelled.get()) {
            Runnable current = action.getAndSet(null);
            if (current != null) {
                current.run();
            }
        }
    }

    /** Cancels the request; the registered action runs once. */
    public void cancel() {
        cancelled.set(true);
        Runnable current = action.getAndSet(null);
        if (current != null) {
            current.run();
        }
    }

    /** Whether the client cancelled. */
    public boolean cancelled() {
        return cancelled.get();
    }
}
