package dev.conduit.app;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.conduit.app.logging.ConduitLogManager;
import dev.conduit.core.config.InvalidConfigException;
import dev.conduit.gateway.ExecutorRegistry;
import dev.conduit.gateway.ServerInfo;
import io.helidon.config.ConfigException;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;

/**
 * {@code conduit [--config FILE]}: starts the server and runs until SIGTERM or SIGINT, which stop it gracefully.
 * Exit codes: 0 after a clean stop, 2 for a bad command line or configuration (with a message naming the key).
 */
public final class Main {
    private Main() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        PrintStream err = System.err;
        boolean stdio = java.util.Arrays.asList(args).contains("--stdio");
        PrintStream protocol = System.out;
        if (stdio) {
            // stdout carries the protocol alone: anything else that prints goes to stderr.
            System.setOut(System.err);
        }
        Optional<Path> configFile;
        try {
            configFile = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("conduit: " + e.getMessage());
            err.println(usage());
            System.exit(2);
            return;
        }
        if (configFile.isEmpty()) {
            return;
        }
        if (java.util.Arrays.asList(args).contains("--train")) {
            System.exit(Training.run(configFile.get()));
            return;
        }
        if (java.util.Arrays.asList(args).contains("--heap")) {
            if (!printHeap(configFile.get(), stdio, protocol, err)) {
                System.exit(2);
            }
            return;
        }
        // Helidon's meter registry takes 160-180 ms to make on 2 cores (its service registry starting): made on another
        // thread while the configuration loads, it is there when the server's objects need it.
        Thread.ofPlatform().name("conduit-meters").daemon(true).start(() -> {
            try {
                Services.get(MeterRegistry.class);
            } catch (RuntimeException e) {
                // The server's own lookup fails the same way and reports it.
            }
        });
        Conduit conduit;
        try {
            conduit = new Conduit(validated(configFile.get(), stdio));
        } catch (InvalidConfigException | ConfigException e) {
            err.println("conduit: configuration error in " + configFile.get() + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("conduit-shutdown").unstarted(() -> {
            Thread stopping = Thread.currentThread();
            Duration limit = conduit.stopLimit();
            StopDeadline.watch(stopping, limit, StopDeadline.halt(stopping, limit));
            conduit.stop();
            ConduitLogManager.resetAfterShutdown();
        }));
        if (stdio) {
            try {
                conduit.serveStdio(System.in, protocol);
            } catch (InvalidConfigException e) {
                err.println("conduit: configuration error in " + configFile.get() + ": " + e.getMessage());
                System.exit(2);
            }
            System.exit(0);
        }
        try {
            conduit.start();
        } catch (UncheckedIOException | IllegalStateException e) {
            // A listener that cannot be had (port or socket in use): say which, and stop what did start.
            err.println("conduit: cannot start: " + e.getMessage()
                        + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            System.exit(1);
        }
    }

    /** The config file to use, or empty when the command line only asked for help or the version. */
    static Optional<Path> parse(String[] args) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a file");
                    }
                    config = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(usage());
                    return Optional.empty();
                }
                case "--stdio", "--heap", "--train" -> {
                    // Handled by main: serve MCP on stdin/stdout; print the heap the configuration needs; the run
                    // the start-up cache is recorded from (bin/conduit --train).
                }
                case "--version" -> {
                    System.out.println("conduit " + ServerInfo.current().version());
                    return Optional.empty();
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (config == null) {
            String home = System.getProperty("conduit.home", ".");
            config = Path.of(home, "config", "conduit.yaml");
        }
        return Optional.of(config);
    }

    /**
     * {@code --heap}: prints what {@code bin/conduit} needs to know of the configuration before it starts the server's
     * JVM, on one line: the heap it needs, for {@code -Xmx} (every guest thread running a program that holds the
     * largest memory limit a key may have, plus half of that, at least 512 MB, for the server itself and the
     * collector's headroom), and the name of the start-up cache that fits its engines ({@link StartupCache}):
     * {@code 3584m conduit}. Answers false, having said why, when the configuration (with what {@code --stdio} needs)
     * is invalid: bin/conduit then stops at once instead of starting a second JVM to say the same.
     */
    private static boolean printHeap(Path configFile, boolean stdio, PrintStream out, PrintStream err) {
        ConduitConfig config;
        try {
            config = validated(configFile, stdio);
        } catch (InvalidConfigException | ConfigException e) {
            err.println("conduit: configuration error in " + configFile + ": " + e.getMessage());
            return false;
        }
        long cap = config.executionLimits().defaults().memoryBytes();
        for (var key : config.auth().apiKeys()) {
            cap = Math.max(cap, key.limits().memoryBytes().orElse(cap));
        }
        // Sized for the programs that compute at once; admission (HeapBudget) holds the rest to what fits.
        long programs = config.executors().running() * cap;
        long heap = programs + Math.max(512L * 1024 * 1024, programs / 2);
        String cache;
        try {
            cache = StartupCache.name(ExecutorRegistry.enabled(config.executors()), ExecutorRegistry.installed());
        } catch (InvalidConfigException e) {
            err.println("conduit: configuration error in " + configFile + ": " + e.getMessage());
            return false;
        }
        out.println(heap / (1024 * 1024) + "m " + cache);
        return true;
    }

    /** The configuration with what {@code --stdio} needs checked too, before any engine or upstream starts. */
    private static ConduitConfig validated(Path configFile, boolean stdio) {
        ConduitConfig config = ConduitConfig.load(configFile, System.getenv());
        if (stdio) {
            config.stdioPrincipal();
        }
        return config;
    }

    private static String usage() {
        return """
                usage: conduit [--config FILE] [--stdio] [--version] [--help]
                  --config FILE  configuration file (default: <install dir>/config/conduit.yaml)
                  --stdio        serve MCP on stdin/stdout (for desktop clients that launch their servers)
                  --train        record the start-up cache for the configuration's engines (bin/conduit --train)
                Environment variables override keys: SERVER_PORT=0 sets server.port.""";
    }
}
