package dev.conduit.policy;

import java.time.Duration;
import java.util.Locale;

/**
 * Admits or refuses one unit of work for a principal. This instance keeps its buckets in memory
 * ({@link TokenBuckets}); a store shared by several replicas would implement the same interface.
 */
public interface RateLimiter {

    /** What is limited: requests, executions started, tool calls made by programs. */
    enum Kind {
        REQUESTS, EXECUTIONS, TOOL_CALLS;

        /** The name used in configuration and errors. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The decision for one unit of work. */
    sealed interface Decision permits Allowed, Limited {
    }

    /** Go ahead. */
    record Allowed() implements Decision {
    }

    /**
     * Not now.
     *
     * @param retryAfter when a unit will be there again
     */
    record Limited(Duration retryAfter) implements Decision {
    }

    /** Takes one unit of {@code kind} for {@code principal}, or says when to come back. */
    Decision acquire(String principal, Kind kind);
}
