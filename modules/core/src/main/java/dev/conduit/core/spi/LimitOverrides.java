package dev.conduit.core.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Execution limits an API key sets for itself ({@code auth.api-keys[].limits}), replacing the configured defaults for
 * that key; absent values keep the defaults. They stay under the configured caps, and a request can still only lower
 * them.
 */
public record LimitOverrides(Optional<Duration> wallTime, Optional<Duration> cpuTime, OptionalLong memoryBytes,
                             OptionalLong outputBytes, OptionalInt logEntries, OptionalInt toolCalls) {
    private static final LimitOverrides NONE = new LimitOverrides(Optional.empty(), Optional.empty(),
                                                                  OptionalLong.empty(), OptionalLong.empty(),
                                                                  OptionalInt.empty(), OptionalInt.empty());

    public LimitOverrides {
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(memoryBytes, "memoryBytes");
        Objects.requireNonNull(outputBytes, "outputBytes");
        Objects.requireNonNull(logEntries, "logEntries");
        Objects.requireNonNull(toolCalls, "toolCalls");
    }

    /** No overrides: the defaults apply. */
    public static LimitOverrides none() {
        return NONE;
    }

    /** {@code base} with these overrides applied. */
    public ExecutionLimits applyTo(ExecutionLimits base) {
        return new ExecutionLimits(wallTime.orElse(base.wallTime()), cpuTime.orElse(base.cpuTime()),
                                   memoryBytes.orElse(base.memoryBytes()), outputBytes.orElse(base.outputBytes()),
                                   logEntries.orElse(base.logEntries()), toolCalls.orElse(base.toolCalls()),
                                   base.codeBytes());
    }
}
