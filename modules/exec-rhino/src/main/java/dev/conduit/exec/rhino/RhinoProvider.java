package dev.conduit.exec.rhino;

import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.ExecutorProvider;

/** Provides the {@code rhino} engine. */
public final class RhinoProvider implements ExecutorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public RhinoProvider() {
        // Stateless: the engine is built by create().
    }

    @Override
    public String name() {
        return RhinoExecutor.NAME;
    }

    @Override
    public Executor create() {
        RhinoExecutor executor = new RhinoExecutor();
        executor.runFirstProgram();
        return executor;
    }
}
