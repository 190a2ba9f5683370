package dev.conduit.exec.rhino;

import dev.conduit.core.spi.ExecutionOutcome.Limit;

/**
 * Thrown into a running guest when it crosses a limit. An {@link Error}, so no JavaScript {@code catch} can swallow it:
 * Rhino passes Java errors through guest code untouched.
 */
final class LimitStop extends Error {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final transient Limit limit;

    LimitStop(Limit limit) {
        super(limit.message(), null, false, false);
        this.limit = limit;
    }

    Limit limit() {
        return limit;
    }
}
