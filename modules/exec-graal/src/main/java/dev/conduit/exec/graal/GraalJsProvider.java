package dev.conduit.exec.graal;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.ExecutorProvider;

/** Provides the {@code graaljs} engine. */
public final class GraalJsProvider implements ExecutorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public GraalJsProvider() {
        // Stateless: the engine is built by create().
    }

    @Override
    public String name() {
        return GraalJsExecutor.NAME;
    }

    @Override
    public Executor create() {
        return GraalJsExecutor.start();
    }
}
