package dev.conduit.upstream;

import java.io.Serial;

/**
 * An upstream could not answer: not started, crashed, timed out, spoke nonsense. The message is written for the
 * model that made the call and names the upstream; it never carries secrets or host paths of Conduit itself.
 */
public final class UpstreamException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Whether this only says the upstream is still waiting out its reconnection delay (the cause is older). */
    private final boolean backingOff;

    /** A failure described by {@code message}. */
    public UpstreamException(String message) {
        this(message, false);
    }

    private UpstreamException(String message, boolean backingOff) {
        super(message);
        this.backingOff = backingOff;
    }

    /** A refusal to try an upstream that is down before its reconnection delay has passed. */
    static UpstreamException backingOff(String message) {
        return new UpstreamException(message, true);
    }

    /** Whether this is a {@link #backingOff} refusal, which says nothing new about the upstream. */
    boolean isBackingOff() {
        return backingOff;
    }

    /** A failure described by {@code message}, caused by {@code cause} (kept for the log only). */
    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
        this.backingOff = false;
    }
}
