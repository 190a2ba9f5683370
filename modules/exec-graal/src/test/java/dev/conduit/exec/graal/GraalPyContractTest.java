package dev.conduit.exec.graal;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.testing.ContractPrograms;
import dev.conduit.core.testing.ExecutorContract;
import org.junit.jupiter.api.AfterAll;

/** GraalPy held to the same contract as every engine; Python-only behaviour is in {@link GraalPyExecutorTest}. */
class GraalPyContractTest extends ExecutorContract {
    private static final GraalPyExecutor EXECUTOR = GraalPyExecutor.start();

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    /**
     * Fewer: each program takes a fresh context, over a hundred milliseconds here; the set-up is GraalJS's, run 1,000
     * times.
     */
    @Override
    protected int stoppedAsItStartsRuns() {
        return 50;
    }

    @Override
    protected ContractPrograms programs() {
        return ContractPrograms.PYTHON;
    }

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }
}
