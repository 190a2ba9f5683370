package dev.conduit.exec.graal;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.ExecutorProvider;

/** Provides the {@code graalpy} engine. */
public final class GraalPyProvider implements ExecutorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public GraalPyProvider() {
        // Stateless: the engine is built by create().
    }

    @Override
    public String name() {
        return GraalPyExecutor.NAME;
    }

    @Override
    public Executor create() {
        return GraalPyExecutor.start();
    }
}
