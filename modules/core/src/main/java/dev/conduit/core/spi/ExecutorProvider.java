package dev.conduit.core.spi;

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
}
