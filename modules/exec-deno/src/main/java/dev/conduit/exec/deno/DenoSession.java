package dev.conduit.exec.deno;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.exec.GuestOutput;
import dev.conduit.core.exec.ProgramForm;
import dev.conduit.core.exec.StaticImports;
import dev.conduit.core.io.BoundedLineReader;
import dev.conduit.core.io.PipeThreads;
import dev.conduit.core.io.PipeWriter;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionOutcome.Limit;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.ToolBridge;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One execution in one Deno process, over the process's own stdio (the protocol is described in {@code runner.js}):
 * hands over the program with a fresh nonce, answers tool calls through the bridge, collects console output against
 * the limits, and watches time, CPU time, resident memory, output and the tool budget, killing the process on the first
 * violation.
 * Only stdout lines that start with the nonce are frames; anything else the process writes is plain output.
 */
final class DenoSession {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How often the watchdog looks at the process. */
    private static final Duration CHECK_PERIOD = Duration.ofMillis(5);
    private static final int MAX_STDERR_BYTES = 64 * 1024;
    /** Room in one frame beyond the text or the arguments it carries (its members, JSON's escapes). */
    private static final int FRAME_ALLOWANCE = 4 * 1024 * 1024;
    /**
     * The largest arguments a frame carries when the bridge sets no limit (the gateway's own is at most this): larger
     * ones the runner does not send, and the bridge refuses them ({@link ToolBridge#oversized}).
     */
    private static final long MAX_ARGUMENT_BYTES = 256L * 1024 * 1024;
    /** Answers to the process that may wait to be written (a program that does not read its answers fills this). */
    private static final long MAX_QUEUED_ANSWERS = 64L * 1024 * 1024;

    private final DenoProcess process;
    private final ExecutionRequest request;
    private final GuestOutput output;
    private final String nonce = HexFormat.of().formatHex(RANDOM.generateSeed(16));
    private final AtomicReference<Limit> stoppedBy = new AtomicReference<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final long deadline;
    private final Duration cpuStart;
    private final long residentStart;
    private Thread stderrReader;
    private PipeWriter stdin;

    DenoSession(DenoProcess process, ExecutionRequest request, long deadlineNanos) {
        this.process = process;
        this.request = request;
        this.output = new GuestOutput(request.limits().outputBytes(), request.limits().logEntries());
        this.deadline = deadlineNanos;
        this.cpuStart = process.cpuTime(); // a pooled process has already spent its start-up
        this.residentStart = process.residentBytes();
    }

    /**
     * Runs the program under the watchdog's eye.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the watchdog has shut down (the engine is closing);
     *                                                         nothing was started then
     */
    ExecutionOutcome run(ScheduledExecutorService watchdog) {
        ScheduledFuture<?> watching = watchdog.scheduleAtFixedRate(this::check, CHECK_PERIOD.toMillis(),
                                                                   CHECK_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        stderrReader = PipeThreads.startReader("deno-stderr", this::drainStderr);
        stdin = PipeWriter.start("deno-stdin", process.stdin(), MAX_QUEUED_ANSWERS);
        try {
            send(handOver());
            return readFrames();
        } catch (IOException e) {
            // The process went away under us (killed by a limit, or it closed its own stdio).
            return ended();
        } finally {
            watching.cancel(false);
            process.kill();
            stdin.abort();
        }
    }

    private String handOver() {
        ObjectNode first = Json.object();
        first.put("nonce", nonce);
        StaticImports imports = StaticImports.of(request.code());
        first.put("code", imports.body());
        first.put("imports", imports.declarations());
        first.put("asBody", imports.any() || ProgramForm.of(request.code()) == ProgramForm.ASYNC_BODY);
        first.set("manifest", Json.mapper().readTree(request.tools().manifestJson()));
        first.put("memoryBytes", request.limits().memoryBytes());
        first.put("maxArgumentBytes", maxArgumentBytes());
        return Json.mapper().writeValueAsString(first);
    }

    private ExecutionOutcome readFrames() throws IOException {
        long carried = Math.max(request.limits().outputBytes(), maxArgumentBytes());
        int maxLine = (int) Math.min(Integer.MAX_VALUE - FRAME_ALLOWANCE, carried) + FRAME_ALLOWANCE;
        BoundedLineReader lines = new BoundedLineReader(process.stdout(), maxLine);
        String prefix = nonce + " ";
        while (true) {
            Optional<byte[]> read;
            try {
                read = lines.readLine();
            } catch (BoundedLineReader.LineTooLongException e) {
                stop(Limit.OUTPUT);
                return ended();
            }
            if (read.isEmpty()) {
                return ended();
            }
            String line = new String(read.get(), StandardCharsets.UTF_8);
            if (!line.startsWith(prefix)) {
                write(false, line + "\n"); // not a frame: plain output, however it looks
                continue;
            }
            JsonNode frame;
            try {
                frame = Json.mapper().readTree(line.substring(prefix.length()));
            } catch (JacksonException e) {
                return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), "garbled frame from the runner");
            }
            switch (frame.path("t").asString("")) {
                case "call" -> call(frame);
                case "discover" -> discover(frame);
                case "out" -> write(frame.path("err").asBoolean(false), frame.path("s").asString(""));
                case "done" -> {
                    return finished(frame.path("result"));
                }
                case "error" -> {
                    return guestError(frame.path("message").asString("Error"), frame.path("stack").asString(""));
                }
                default -> {
                    // Unknown frame types are ignored: the runner and this class ship together.
                }
            }
        }
    }

    /** Started, and answered when it is done ({@code ToolBridge.start}): a program's parallel calls run in parallel. */
    private long maxArgumentBytes() {
        return Math.min(request.tools().maxArgumentBytes(), MAX_ARGUMENT_BYTES);
    }

    private void call(JsonNode frame) {
        long id = frame.path("id").asLong();
        String tool = frame.path("tool").asString("");
        CompletableFuture<String> started = frame.has("oversized")
                ? CompletableFuture.completedFuture(request.tools().oversized(tool, frame.path("oversized").asLong()))
                : request.tools().start(tool, frame.path("args").toString());
        started.thenAccept(answer -> {
            if (request.tools().budgetExceeded()) {
                stop(Limit.TOOL_CALLS);
                return;
            }
            // The bridge answers a JSON object; the id goes in front of its members.
            try {
                send("{\"id\":" + id + "," + answer.substring(1));
            } catch (IOException e) {
                // The process is gone; its outcome is decided by whoever stopped it.
            }
        });
    }

    private void discover(JsonNode frame) {
        long id = frame.path("id").asLong();
        String options = frame.path("options").toString();
        Thread.ofVirtual().name("deno-discover").start(() -> {
            try {
                send("{\"id\":" + id + ",\"value\":" + request.tools().discoverJson(options) + "}");
            } catch (IOException e) {
                // The process is gone.
            }
        });
    }

    private void write(boolean error, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        output.write(error, bytes, 0, bytes.length);
        if (output.exceeded().isPresent()) {
            stop(output.exceeded().get());
        }
    }

    private ExecutionOutcome finished(JsonNode result) {
        Limit limit = stoppedBy.get();
        if (limit != null) {
            return output.stoppedBy(limit);
        }
        Optional<String> json = result.isString() ? Optional.of(result.asString()) : Optional.empty();
        if (json.isPresent() && json.get().length() > request.limits().outputBytes()) {
            return output.stoppedBy(Limit.OUTPUT); // a program cannot return what it may not print
        }
        return new ExecutionOutcome.Completed(output.stdout(), output.stderr(), json);
    }

    private ExecutionOutcome guestError(String message, String stack) {
        Limit limit = stoppedBy.get();
        if (limit != null) {
            return output.stoppedBy(limit);
        }
        if (message.startsWith("RangeError: Maximum call stack size exceeded")) {
            return output.stoppedBy(Limit.STACK_DEPTH);
        }
        String frames = stack.isBlank() ? "" : "\n    " + stack.replace("\n", "\n    ");
        output.appendError(message + frames + "\n");
        return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
    }

    /** The process ended without a result: a limit, the heap cap, or the program ending the process itself. */
    private ExecutionOutcome ended() {
        int exit = process.exitCode(Duration.ofSeconds(2));
        Limit limit = stoppedBy.get();
        if (limit != null) {
            return output.stoppedBy(limit);
        }
        try {
            stderrReader.join(Duration.ofSeconds(1)); // what the process said last, such as V8's out-of-memory report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String diagnostics = stderrText();
        String lower = diagnostics.toLowerCase(Locale.ROOT);
        if (lower.contains("out of memory") || lower.contains("heap limit")) {
            return output.stoppedBy(Limit.MEMORY);
        }
        if (exit == DenoProcess.CPU_LIMIT_EXIT) {
            return output.stoppedBy(Limit.CPU_TIME); // the kernel's backstop (RLIMIT_CPU) ended it
        }
        String message = "The program ended its process before finishing (exit code " + exit + ")";
        output.appendError(message + "\n");
        return new ExecutionOutcome.GuestError(output.stdout(), output.stderr(), message);
    }

    private void check() {
        Limit crossed = null;
        if (request.tools().cancelled()) {
            crossed = Limit.CANCELLED;
        } else if (System.nanoTime() - deadline > 0) {
            crossed = Limit.WALL_TIME;
        } else if (process.cpuTime().minus(cpuStart).compareTo(request.limits().cpuTime()) > 0) {
            crossed = Limit.CPU_TIME;
        } else if (holdsTooMuch()) {
            crossed = Limit.MEMORY;
        } else if (output.exceeded().isPresent()) {
            crossed = output.exceeded().get();
        } else if (request.tools().budgetExceeded()) {
            crossed = Limit.TOOL_CALLS;
        }
        if (crossed != null) {
            stop(crossed);
        }
    }

    /**
     * V8 stops its own heap at the cap (--max-old-space-size), but memory outside it (ArrayBuffer and typed array
     * contents, WebAssembly.Memory) shows only in the process's resident memory: the program is stopped once that grew
     * by more than twice its cap since it was handed the process (V8's heap and its young generation account for the
     * first cap and some).
     */
    private boolean holdsTooMuch() {
        if (residentStart < 0) {
            return false;
        }
        long resident = process.residentBytes();
        return resident > 0 && resident - residentStart > 2 * request.limits().memoryBytes();
    }

    private void stop(Limit limit) {
        if (stoppedBy.compareAndSet(null, limit)) {
            process.kill();
        }
    }

    /** Queues one line for the process; the write itself happens on the writer's platform thread. */
    private void send(String line) throws IOException {
        stdin.writeLine(line.getBytes(StandardCharsets.UTF_8));
    }

    private void drainStderr() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.stderr()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (stderr) {
                    stderr.write(buffer, 0, Math.max(0, Math.min(n, MAX_STDERR_BYTES - stderr.size())));
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
    }

    private String stderrText() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }
}
