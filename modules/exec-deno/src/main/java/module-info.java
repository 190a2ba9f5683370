/**
 * TypeScript and JavaScript in Deno subprocesses: one process per program, started with no permission flags at all
 * (no network, files, environment, subprocesses, FFI or imports), a cleared environment, a temporary working
 * directory and a V8 heap cap; tool calls travel over the process's own stdio in nonce-tagged frames, so the sandbox
 * holds no token and reaches no port. A pool keeps processes started ahead, under a hard cap on live processes.
 */
module dev.conduit.exec.deno {
    requires dev.conduit.core;
    requires dev.conduit.sdkgen;

    provides dev.conduit.core.spi.ExecutorProvider with dev.conduit.exec.deno.DenoProvider;
}
