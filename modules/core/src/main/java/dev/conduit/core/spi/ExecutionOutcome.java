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
        WALL_TIME("The program ran out of time"),
        CPU_TIME("The program used up its CPU time"),
        MEMORY("The program held more memory than its limit allows (limits.memoryLimitMb)"),
        OUTPUT("The program wrote more output than allowed"),
        LOG_ENTRIES("The program wrote more log entries than allowed"),
        TOOL_CALLS("The program made more tool calls than allowed"),
        CODE_SIZE("The program is too large"),
        STACK_DEPTH("The program's call stack is too deep"),
        /** Not a limit of the program's own: its request was cancelled, or the server is shutting down. */
        CANCELLED("The execution was cancelled");

        private final String message;

        Limit(String message) {
            this.message = message;
        }

        /** What happened, in the words every engine reports it with. */
        public String message() {
            return message;
        }
    }
}
