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

    @Override
    protected ContractPrograms programs() {
        return ContractPrograms.PYTHON;
    }

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }
}
