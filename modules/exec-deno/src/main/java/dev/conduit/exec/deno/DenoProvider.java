package dev.conduit.exec.deno;

import dev.conduit.core.config.ConfigReader;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.ExecutorProvider;

/** Provides the {@code deno} engine. */
public final class DenoProvider implements ExecutorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public DenoProvider() {
        // Stateless: the engine is built by create().
    }

    @Override
    public String name() {
        return DenoExecutor.NAME;
    }

    @Override
    public Executor create() {
        return create(ConfigReader.empty());
    }

    @Override
    public Executor create(ConfigReader settings) {
        DenoExecutor executor = new DenoExecutor(DenoSettings.from(settings));
        executor.runFirstProgram();
        return executor;
    }
}
