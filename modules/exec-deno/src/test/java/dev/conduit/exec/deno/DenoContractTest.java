package dev.conduit.exec.deno;

import java.nio.file.Path;
import java.util.Optional;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.testing.ContractPrograms;
import dev.conduit.core.testing.ExecutorContract;
import org.junit.jupiter.api.AfterAll;

/** The executor contract, held by Deno with the same JavaScript programs as GraalJS and Rhino. */
class DenoContractTest extends ExecutorContract {
    private static final DenoExecutor EXECUTOR = new DenoExecutor(new DenoSettings(
            Optional.of(Path.of(System.getProperty("conduit.deno.binary"))), 2, 8,
            DenoSettings.DEFAULT_POOL_MEMORY_MB, DenoSettings.DEFAULT_CPU_BACKSTOP));

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
