package dev.conduit.core.spi;

import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A sandbox engine. Each execution gets a fresh sandbox that holds nothing of another execution. Implementations are
 * thread-safe; {@link #execute} blocks and is called on a platform thread of the gateway's execution pool, whose
 * stack is {@link #GUEST_STACK_BYTES}.
 */
public interface Executor extends AutoCloseable {

    /**
     * The stack of a guest thread: deep enough that an engine's own frame limit stops a recursion before the host
     * stack overflows (an overflow is something a guest can catch and recurse from).
     */
    long GUEST_STACK_BYTES = 16L * 1024 * 1024;

    /** The engine's name, for example {@code graaljs}. */
    String name();

    /** The languages it runs. */
    Set<Language> languages();

    /** Whether it can run programs now, and if not, why. */
    Availability availability();

    /**
     * Completes when the engine can first run programs, and fails if it never will. An engine that warms up in the
     * background after the server starts answers a future that completes later; callers wait on it or go elsewhere
     * rather than make a sandbox on the spot while the warm-up competes for the same cores.
     */
    default CompletableFuture<Void> started() {
        return CompletableFuture.completedFuture(null);
    }

    /** How many sandboxes wait ready in the engine's pool now; empty for an engine without a pool. For metrics. */
    default OptionalInt pooled() {
        return OptionalInt.empty();
    }

    /**
     * Whether programs run inside this JVM, on the calling thread. An engine that runs them in another process
     * ({@code false}) only waits for it, and gets a lane of threads of its own, so that its programs never take a
     * thread from in-process guests.
     */
    default boolean inProcess() {
        return true;
    }

    /** Runs one program. Never throws for anything the program does. */
    ExecutionOutcome execute(ExecutionRequest request);

    /** Releases engines and pools. */
    @Override
    void close();

    /**
     * Whether an engine can run programs.
     *
     * @param available yes or no
     * @param detail    why not, or what it is (version, pool fill)
     */
    record Availability(boolean available, String detail) {
    }
}
