package dev.conduit.upstream;

import java.io.Serial;

/**
 * An upstream could not answer: not started, crashed, timed out, spoke nonsense. The message is written for the
 * model that made the call and names the upstream; it never carries secrets or host paths of Conduit itself.
 */
public final class UpstreamException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public UpstreamException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause} (kept for the log only). */
    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
