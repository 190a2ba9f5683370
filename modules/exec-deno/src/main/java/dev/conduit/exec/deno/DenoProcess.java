package dev.conduit.exec.deno;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.io.OwnSession;

/**
 * One Deno process that runs exactly one program and exits: no permission flags at all, no prompt, config, lock file,
 * remote or npm imports; a cleared environment; its own temporary working directory, removed with it; a V8 heap
 * cap. Killing it kills its descendants too.
 */
final class DenoProcess implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(DenoProcess.class.getName());

    private static final Path SHELL = Path.of("/bin/sh");

    private final Process process;
    private final Path directory;
    private final int heapMb;

    private DenoProcess(Process process, Path directory, int heapMb) {
        this.process = process;
        this.directory = directory;
        this.heapMb = heapMb;
    }

    /**
     * Starts the runner; it then waits on its stdin for the program. Deno's cache ({@code DENO_DIR}) is the process's
     * own, in its directory and removed with it: Deno writes there what a program compiles (a module's emitted code,
     * V8's code cache, analyses of its imports) and what it would store (localStorage, the Cache API, which the runner
     * removes besides). One cache shared by every process, as before, kept each program's text on disk for as long as
     * the server ran, growing with every program, and handed what one program stored to the next, whoever sent it.
     * The cache starts as a copy of {@code template}, one in which only the runner has run ({@link #seed}), when there
     * is one: without it a process compiles the runner afresh (93-98 ms of CPU for a trivial program, 80-81 with it).
     */
    static DenoProcess start(Path deno, Path runner, Path template, int heapMb, Duration cpuBackstop) {
        Path directory = null;
        boolean started = false;
        try {
            directory = Files.createTempDirectory("conduit-deno-");
            Path cache = directory.resolve("deno-dir");
            copy(template, cache);
            DenoProcess process = new DenoProcess(launch(deno, runner, cache, directory, heapMb, cpuBackstop).start(),
                                                  directory, heapMb);
            started = true;
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start deno: " + e.getMessage(), e);
        } finally {
            if (!started && directory != null) {
                delete(directory);
            }
        }
    }

    /**
     * Makes {@code template}: a cache in which the runner has run one fixed program of ours and exited, so that
     * processes start from its compiled runner. Written beside it and renamed into place once complete, so that a
     * process starting meanwhile copies either nothing or all of it. Waits at most {@code timeout}.
     *
     * @return whether the template is in place
     */
    static boolean seed(Path deno, Path runner, Path template, int heapMb, Duration cpuBackstop, Duration timeout) {
        Path seeding = template.resolveSibling(template.getFileName() + ".seeding");
        Path directory = null;
        Process process = null;
        try {
            directory = Files.createTempDirectory("conduit-deno-");
            Files.createDirectories(seeding);
            process = launch(deno, runner, seeding, directory, heapMb, cpuBackstop)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(("{\"nonce\":\"seed\",\"code\":\"return 1\",\"asBody\":true,\"manifest\":[],"
                          + "\"memoryBytes\":" + heapMb * 1024L * 1024 + "}\n").getBytes(StandardCharsets.UTF_8));
            }
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0) {
                Files.move(seeding, template, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            LOGGER.log(Level.WARNING, "deno: the runner did not seed its cache; processes compile it afresh");
            return false;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "deno: could not seed the runner's cache: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (directory != null) {
                delete(directory);
            }
            if (Files.exists(seeding)) {
                delete(seeding);
            }
        }
    }

    /** Deno in {@code directory} with {@code cache} as its cache and nothing else in its environment. */
    private static ProcessBuilder launch(Path deno, Path runner, Path cache, Path directory, int heapMb,
                                         Duration cpuBackstop) {
        ProcessBuilder builder = new ProcessBuilder(OwnSession.command(command(deno, runner, heapMb, cpuBackstop)))
                .directory(directory.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        // Only what Deno needs to start.
        environment.put("DENO_DIR", cache.toString());
        environment.put("NO_COLOR", "1");
        environment.put("DENO_NO_UPDATE_CHECK", "1");
        return builder;
    }

    /** A copy of the directory {@code from} (when there is one) at {@code to}; an empty {@code to} otherwise. */
    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.createDirectories(to);
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /**
     * The command: Deno under a shell that first sets RLIMIT_CPU ({@code ulimit -t}) and then becomes Deno
     * ({@code exec}, same pid), so the kernel ends the process after {@code cpuBackstop} of CPU even when no gateway is
     * left to do it. The arguments reach Deno as {@code "$@"}, never through the shell's parser.
     */
    static List<String> command(Path deno, Path runner, int heapMb, Duration cpuBackstop) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SHELL)) {
            long soft = Math.max(1, cpuBackstop.toSeconds());
            // SIGXCPU at the soft limit (reported as the CPU limit), SIGKILL a little later should that be ignored.
            command.addAll(List.of(SHELL.toString(), "-c", "ulimit -S -t " + soft + " && ulimit -H -t " + (soft + 5)
                                                           + " && exec \"$0\" \"$@\""));
        }
        command.addAll(List.of(deno.toString(), "run", "--no-prompt", "--no-config", "--no-lock", "--no-remote",
                               "--no-npm", "--v8-flags=--max-old-space-size=" + heapMb + ",--expose-gc",
                               runner.toString()));
        return command;
    }

    /** The exit code of a process the kernel ended for its CPU limit (128 + SIGXCPU). */
    static final int CPU_LIMIT_EXIT = 128 + 24;

    int heapMb() {
        return heapMb;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    InputStream stderr() {
        return process.getErrorStream();
    }

    /** CPU time the process has used so far (user and system), zero when the platform cannot tell. */
    Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * The process's resident memory in bytes (Linux: {@code VmRSS} of {@code /proc/<pid>/status}); -1 where the
     * platform does not tell. Called on the watchdog's platform thread.
     */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | UncheckedIOException e) {
            // Not Linux, or the process is gone.
        }
        return -1;
    }

    /** The exit code, once it has exited within {@code timeout}; else -1. */
    int exitCode(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                   ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Kills the process. It starts none of its own (the runner has no permission to run anything:
     * DenoHostileProgramsTest), so there are no descendants to look for: that took a scan of every process of the
     * machine, 0.9 ms with 70 of them, twice on each execution's path.
     */
    void kill() {
        process.destroyForcibly();
    }

    /** Kills what is left, waits for it, and removes its directory. */
    @Override
    public void close() {
        kill();
        exitCode(Duration.ofSeconds(5));
        delete(directory);
    }

    /** Removes a directory and everything in it, logging what cannot be removed. */
    static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOGGER.log(Level.WARNING, "could not remove " + directory + ": " + e.getMessage());
        }
    }
}
