package dev.conduit.core.spi;

import dev.conduit.core.config.ConfigReader;

/**
 * Found with {@link java.util.ServiceLoader}: creates one named engine. Modules provide it in their module-info
 * ({@code provides dev.conduit.core.spi.ExecutorProvider with ...}) and in {@code META-INF/services} for the
 * classpath.
 */
public interface ExecutorProvider {

    /** The engine's name, as configured and requested ({@code graaljs}, {@code graalpy}, {@code rhino}, ...). */
    String name();

    /** Creates the engine; expensive set-up (engine warm-up, pools) may continue in the background. */
    Executor create();

    /**
     * Creates the engine with its own settings, the {@code executors.<name>} node (empty when absent). An engine
     * reads what it knows and warns about the rest; engines without settings need not override this.
     */
    default Executor create(ConfigReader settings) {
        settings.warnUnknown();
        return create();
    }
}
