package dev.conduit.exec.deno;

import java.nio.file.Path;
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
 * </pre>
 *
 * @param path         where the Deno binary is, when configured
 * @param poolSize     processes kept ready
 * @param maxProcesses live processes at most
 * @param poolMemoryMb heap cap of pooled processes; an execution with another memory limit gets a fresh process
 */
record DenoSettings(Optional<Path> path, int poolSize, int maxProcesses, int poolMemoryMb) {
    static final int DEFAULT_POOL_MEMORY_MB = 256;

    static DenoSettings from(ConfigReader node) {
        Optional<Path> path = node.string("path").map(Path::of);
        int poolSize = node.integer("pool-size", 2, 0, 64);
        int maxProcesses = node.integer("max-processes", 8, 1, 1024);
        int poolMemory = node.integer("pool-memory", DEFAULT_POOL_MEMORY_MB, 16, 65536);
        node.warnUnknown();
        return new DenoSettings(path, Math.min(poolSize, maxProcesses), maxProcesses, poolMemory);
    }
}
