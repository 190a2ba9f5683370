package dev.conduit.exec.deno;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import dev.conduit.core.Timers;
import dev.conduit.core.exec.FirstProgram;
import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.sdkgen.GuestSdk;

/**
 * The {@code deno} engine: TypeScript and JavaScript, each program in its own Deno process with no permissions,
 * tool calls over the process's stdio ({@link DenoSession}), processes started ahead by a {@link DenoPool}. When no
 * Deno binary is found the engine reports itself unavailable, with where it looked, and refuses every program.
 */
final class DenoExecutor implements Executor {
    static final String NAME = "deno";
    private static final System.Logger LOGGER = System.getLogger(DenoExecutor.class.getName());
    private static final long MIB = 1024 * 1024;
    private static final String SDK_PLACE = "// @conduit-sdk";

    private final Availability unavailable;
    private final Path runnerDirectory;
    private final DenoPool pool;
    private final String version;
    private volatile CompletableFuture<Void> started = CompletableFuture.completedFuture(null);
    private final int poolSize;
    private final ScheduledExecutorService watchdog = Timers.daemon("deno-watchdog");

    DenoExecutor(DenoSettings settings) {
        DenoLocator.Found found = DenoLocator.locate(settings.path());
        this.poolSize = settings.poolSize();
        if (found instanceof DenoLocator.Binary(Path deno)) {
            this.version = version(deno);
            this.runnerDirectory = extractRunner();
            this.pool = new DenoPool(deno, runnerDirectory.resolve("runner.js"), runnerDirectory.resolve("cache-template"),
                                     settings);
            this.unavailable = null;
            LOGGER.log(Level.INFO, "deno ready: " + version + " at " + deno + ", pool " + poolSize);
        } else {
            String searched = ((DenoLocator.Missing) found).searched();
            this.version = null;
            this.runnerDirectory = null;
            this.pool = null;
            this.unavailable = new Availability(false, searched);
            LOGGER.log(Level.WARNING, "deno engine unavailable: " + searched);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Language> languages() {
        return Set.of(Language.JAVASCRIPT, Language.TYPESCRIPT);
    }

    /** Runs a first program in the background: the next ones take a tenth of its time ({@link FirstProgram}). */
    void runFirstProgram() {
        if (unavailable == null) {
            started = FirstProgram.run(this, Language.JAVASCRIPT, "return 1 + 1", watchdog::isShutdown);
        }
    }

    @Override
    public CompletableFuture<Void> started() {
        return started.copy();
    }

    @Override
    public Availability availability() {
        return unavailable != null ? unavailable
                : new Availability(true, version + ", pool " + pool.pooled() + "/" + poolSize);
    }

    @Override
    public OptionalInt pooled() {
        return pool == null ? OptionalInt.empty() : OptionalInt.of(pool.pooled());
    }

    /** Completes once the pool's thread has done what it was asked so far. For tests. */
    CompletableFuture<Void> refilled() {
        return pool == null ? CompletableFuture.completedFuture(null) : pool.refilled();
    }

    /** Programs run in Deno processes; the calling thread only relays their frames. */
    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request) {
        Optional<ExecutionOutcome> refused = GuestOutput.refuseOversized(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (unavailable != null) {
            String message = "The deno engine is not available: " + unavailable.detail();
            return new ExecutionOutcome.GuestError("", message + "\n", message);
        }
        long deadline = System.nanoTime() + request.limits().wallTime().toNanos();
        int heapMb = Math.clamp(request.limits().memoryBytes() / MIB, 16, 65536);
        DenoProcess process;
        try {
            process = pool.take(heapMb, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GuestOutput(0, 0).stoppedBy(Limit.WALL_TIME);
        }
        if (process == null) {
            return new GuestOutput(0, 0).stoppedBy(Limit.WALL_TIME); // every place under the cap stayed taken
        }
        try {
            return new DenoSession(process, request, deadline).run(watchdog);
        } catch (RejectedExecutionException e) {
            // Closed while this program waited for a process: the warm-up's first program at a quick stop (requests
            // are answered before the engines close). A stack trace in the log said nothing more.
            String message = "The deno engine has shut down: the server is stopping";
            return new ExecutionOutcome.GuestError("", message + "\n", message);
        } finally {
            pool.release(process);
        }
    }

    /** The runner file its processes run; null when Deno is missing. */
    Path runner() {
        return runnerDirectory == null ? null : runnerDirectory.resolve("runner.js");
    }

    private static String version(Path deno) {
        try {
            Process process = new ProcessBuilder(deno.toString(), "--version").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return text.lines().findFirst().orElse("deno").trim();
        } catch (IOException e) {
            return "deno (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "deno";
        }
    }

    /**
     * The runner goes to a private directory, beside the template of Deno's cache (DenoProcess#seed): Deno runs it
     * as its main module, which needs no read permission.
     */
    private static Path extractRunner() {
        try (InputStream in = DenoExecutor.class.getResourceAsStream("runner.js")) {
            if (in == null) {
                throw new IllegalStateException("missing resource runner.js");
            }
            Path directory = Files.createTempDirectory("conduit-deno-runner-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            String runner = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!runner.contains(SDK_PLACE)) {
                throw new IllegalStateException("runner.js has no " + SDK_PLACE + " line");
            }
            runner = runner.replace(SDK_PLACE, "const ConduitSdk = " + GuestSdk.javascript().strip() + ";");
            Files.writeString(directory.resolve("runner.js"), runner);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        if (runnerDirectory != null) {
            DenoProcess.delete(runnerDirectory);
        }
    }
}
