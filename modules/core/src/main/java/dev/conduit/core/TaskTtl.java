package dev.conduit.core;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

/**
 * How long the gateway keeps a task it runs (MCP 2025-11-25 tasks: a client's call, or an upstream's question asked
 * as a task): the {@code ttl} asked for, between a second and an hour, ten minutes when none is asked. One rule for
 * both directions.
 */
public final class TaskTtl {
    /** Kept this long when the requester names no ttl. */
    public static final Duration DEFAULT = Duration.ofMinutes(10);
    /** The longest granted. */
    public static final Duration MAX = Duration.ofHours(1);
    private static final Duration MIN = Duration.ofSeconds(1);

    private TaskTtl() {
    }

    /** The ttl granted for {@code asked} (a request's {@code task.ttl} in milliseconds, or missing). */
    public static Duration granted(JsonNode asked) {
        if (!asked.isNumber()) {
            return DEFAULT;
        }
        long millis = asked.asLong();
        return millis < MIN.toMillis() ? MIN : millis > MAX.toMillis() ? MAX : Duration.ofMillis(millis);
    }
}
