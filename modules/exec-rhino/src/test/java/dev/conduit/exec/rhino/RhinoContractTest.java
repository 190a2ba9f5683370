package dev.conduit.exec.rhino;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.testing.ContractPrograms;
import dev.conduit.core.testing.ExecutorContract;
import org.junit.jupiter.api.AfterAll;

/** The executor contract, held by Rhino with the same JavaScript programs as GraalJS. */
class RhinoContractTest extends ExecutorContract {
    private static final RhinoExecutor EXECUTOR = new RhinoExecutor();

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    @Override
    protected Executor executor() {
        return EXECUTOR;
    }

    @Override
    protected ContractPrograms programs() {
        return ContractPrograms.JAVASCRIPT;
    }
}
