package dev.conduit.core.exec;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.spi.NoTools;

/**
 * An engine's first program, run by the engine itself in the background as the server starts, for engines whose
 * first program costs far more than the next (measured on 2 cores: Deno 0.6 s then 0.05 s, Rhino 0.3 s then
 * 0.03 s: the JVM's and the engine's code paths run for the first time). Its future is the engine's
 * {@link Executor#started()}: a client's program waits for it or goes to an engine that is warm.
 */
public final class FirstProgram {
    private static final System.Logger LOGGER = System.getLogger(FirstProgram.class.getName());
    private static final long MIB = 1024 * 1024;
    /** Enough for the trivial program, and a bound should an engine misbehave. */
    private static final ExecutionLimits LIMITS = new ExecutionLimits(Duration.ofSeconds(60), Duration.ofSeconds(60),
                                                                      64 * MIB, MIB, 100, 0, (int) MIB);

    private FirstProgram() {
    }

    /** Runs {@code code} on {@code executor} on a thread of its own; completes when it ended, however it ended. */
    public static CompletableFuture<Void> run(Executor executor, Language language, String code) {
        return run(executor, language, code, () -> false);
    }

    /**
     * As {@link #run(Executor, Language, String)}, for an engine that may close under its first program: when
     * {@code closing} says so, the program's failure is the server stopping (a quick stop during the warm-up), told
     * at debug level instead of as a warning with the race's stack trace.
     */
    public static CompletableFuture<Void> run(Executor executor, Language language, String code,
                                              BooleanSupplier closing) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().name(executor.name() + "-first-program").daemon(true)
                .stackSize(Executor.GUEST_STACK_BYTES).start(() -> {
                    WarmUpGate.shared().pass();
                    long began = System.nanoTime();
                    try {
                        ExecutionOutcome outcome = executor.execute(new ExecutionRequest(code, language, LIMITS,
                                                                                         NoTools.INSTANCE, "warm-up"));
                        if (!(outcome instanceof ExecutionOutcome.Completed)) {
                            LOGGER.log(closing.getAsBoolean() ? Level.DEBUG : Level.WARNING,
                                       executor.name() + ": its first program did not complete: " + outcome);
                        }
                    } catch (RuntimeException e) {
                        if (closing.getAsBoolean()) {
                            LOGGER.log(Level.DEBUG, executor.name() + ": its first program stopped by shutdown: " + e);
                        } else {
                            LOGGER.log(Level.WARNING, executor.name() + ": its first program failed", e);
                        }
                    } finally {
                        done.complete(null);
                        LOGGER.log(Level.INFO, executor.name() + " runs programs after "
                                               + (System.nanoTime() - began) / 1_000_000 + " ms");
                    }
                });
        return done;
    }
}
