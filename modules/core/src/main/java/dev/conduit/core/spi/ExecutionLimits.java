package dev.conduit.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What one execution may use. Every limit holds in every engine and fails closed: crossing one stops the guest and
 * ends the execution with {@link ExecutionOutcome.LimitExceeded}.
 *
 * @param wallTime    real time from start to end
 * @param cpuTime     CPU time of the guest's thread
 * @param memoryBytes bytes the guest may hold (live memory: {@code dev.conduit.core.exec.LiveHeap}, Deno's heap)
 * @param outputBytes stdout and stderr together
 * @param logEntries  lines written to stdout and stderr together
 * @param toolCalls   tool calls the program may make
 * @param codeBytes   size of the program's source (UTF-8)
 */
public record ExecutionLimits(Duration wallTime, Duration cpuTime, long memoryBytes, long outputBytes, int logEntries,
                              int toolCalls, int codeBytes) {
    public ExecutionLimits {
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(cpuTime, "cpuTime");
    }

    /** The same limits with another wall time (what is left of it after waiting for a thread). */
    public ExecutionLimits withWallTime(Duration value) {
        return new ExecutionLimits(value, cpuTime, memoryBytes, outputBytes, logEntries, toolCalls, codeBytes);
    }

    /** Each limit the smaller of this and {@code other}: how a request narrows a key's limits. */
    public ExecutionLimits min(ExecutionLimits other) {
        return new ExecutionLimits(
                wallTime.compareTo(other.wallTime) <= 0 ? wallTime : other.wallTime,
                cpuTime.compareTo(other.cpuTime) <= 0 ? cpuTime : other.cpuTime,
                Math.min(memoryBytes, other.memoryBytes),
                Math.min(outputBytes, other.outputBytes),
                Math.min(logEntries, other.logEntries),
                Math.min(toolCalls, other.toolCalls),
                Math.min(codeBytes, other.codeBytes));
    }
}
