package dev.conduit.app.logging;

import java.util.logging.LogManager;

/**
 * A log manager that keeps its handlers open while the JVM shuts down. The JDK's own manager closes every handler
 * in a shutdown hook that races with Conduit's, so the graceful-shutdown lines were lost; with this one, Conduit's
 * hook logs its shutdown and then calls {@link #resetAfterShutdown()}. Selected by
 * {@code -Djava.util.logging.manager=dev.conduit.app.logging.ConduitLogManager} in {@code bin/conduit}.
 */
public final class ConduitLogManager extends LogManager {
    private volatile boolean shutdownLogged;

    /** Called reflectively by java.util.logging. */
    public ConduitLogManager() {
        super();
    }

    @Override
    public void reset() {
        // The JDK calls reset() from its shutdown hook; keep the handlers until Conduit's hook has finished.
        if (shutdownLogged || !jvmShuttingDown()) {
            super.reset();
        }
    }

    /** Closes the handlers once Conduit has logged its shutdown. */
    public static void resetAfterShutdown() {
        if (LogManager.getLogManager() instanceof ConduitLogManager manager) {
            manager.shutdownLogged = true;
            manager.reset();
        }
    }

    private static boolean jvmShuttingDown() {
        // Registering a hook is refused once shutdown has begun: the one portable way to ask.
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
