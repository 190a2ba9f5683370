package dev.conduit.core.spi;

import java.util.Objects;
import java.util.Optional;

/** How an execution ended. Partial output is kept in every case. */
public sealed interface ExecutionOutcome
        permits ExecutionOutcome.Completed, ExecutionOutcome.GuestError, ExecutionOutcome.LimitExceeded {

    /** What the program wrote to stdout. */
    String stdout();

    /** What the program wrote to stderr. */
    String stderr();

    /**
     * The program ran to its end.
     *
     * @param resultJson its returned or last value as JSON, when it had one that JSON can express
     */
    record Completed(String stdout, String stderr, Optional<String> resultJson) implements ExecutionOutcome {
        public Completed {
            Objects.requireNonNull(resultJson, "resultJson");
        }
    }

    /**
     * The program threw. {@code stderr} ends with the guest's message and its stack (guest frames only).
     *
     * @param message the guest's error message
     */
    record GuestError(String stdout, String stderr, String message) implements ExecutionOutcome {
    }

    /**
     * A limit stopped the program.
     *
     * @param limit   which one
     * @param message what happened, for the caller
     */
    record LimitExceeded(Limit limit, String stdout, String stderr, String message) implements ExecutionOutcome {
    }

    /** The limits an execution can cross. */
    enum Limit {
        WALL_TIME, CPU_TIME, MEMORY, OUTPUT, LOG_ENTRIES, TOOL_CALLS, CODE_SIZE, STACK_DEPTH
    }
}
