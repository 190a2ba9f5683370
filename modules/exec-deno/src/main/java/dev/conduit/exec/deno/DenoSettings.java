package dev.conduit.exec.deno;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.config.ConfigReader;

/**
 * The {@code executors.deno} node.
 * <pre>
 * executors:
 *   deno:
 *     path: /opt/deno/bin/deno   # else $CONDUIT_DENO, else the distribution's deno/deno, else deno on PATH
 *     pool-size: 2               # processes started ahead, each waiting for its one program (0-64)
 *     max-processes: 8           # hard cap on live Deno processes, pooled ones included (1-1024)
 *     pool-memory: 256           # MiB of V8 heap a pooled process is started with (16-65536)
 *     cpu-backstop: 600s         # the kernel ends any Deno process after this much CPU (RLIMIT_CPU), whatever else
 * </pre>
 *
 * @param path         where the Deno binary is, when configured
 * @param poolSize     processes kept ready
 * @param maxProcesses live processes at most
 * @param poolMemoryMb heap cap of pooled processes; an execution with another memory limit gets a fresh process
 * @param cpuBackstop  CPU time after which the kernel itself kills a Deno process: ends even a process whose gateway
 *                     died (SIGKILL, crash) while its program spun, when nobody is left to kill it
 */
record DenoSettings(Optional<Path> path, int poolSize, int maxProcesses, int poolMemoryMb, Duration cpuBackstop) {
    static final Duration DEFAULT_CPU_BACKSTOP = Duration.ofSeconds(600);

    static final int DEFAULT_POOL_MEMORY_MB = 256;

    static DenoSettings from(ConfigReader node) {
        Optional<Path> path = node.string("path").map(Path::of);
        int poolSize = node.integer("pool-size", 2, 0, 64);
        int maxProcesses = node.integer("max-processes", 8, 1, 1024);
        int poolMemory = node.integer("pool-memory", DEFAULT_POOL_MEMORY_MB, 16, 65536);
        Duration backstop = node.duration("cpu-backstop", DEFAULT_CPU_BACKSTOP, Duration.ofSeconds(1),
                                          Duration.ofHours(24));
        node.warnUnknown();
        return new DenoSettings(path, Math.min(poolSize, maxProcesses), maxProcesses, poolMemory, backstop);
    }
}
