package dev.conduit.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.Cancellation;
import dev.conduit.core.LogLevel;
import dev.conduit.core.Principal;
import dev.conduit.core.RequestContext;
import dev.conduit.core.exec.StaticImports;
import dev.conduit.core.exec.WarmUpGate;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
import dev.conduit.core.trace.Tracing;
import dev.conduit.policy.ExecutionLimitsPolicy;
import dev.conduit.policy.RateLimiter;
import dev.conduit.policy.ToolAllowList;
import io.helidon.metrics.api.Tag;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs Code Mode programs: picks the engine, resolves the limits (a request may only lower them), binds a tool bridge
 * to the caller, and runs the program on the guest thread pool. Limit violations become JSON-RPC errors with their own
 * codes and the partial output in {@code data}; a program that throws is a normal result with exit code 1.
 */
final class ExecutionService implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ExecutionService.class.getName());
    /** When a program refused for want of heap may try again: programs usually end within seconds. */
    private static final long HEAP_RETRY_MILLIS = 1000;
    /** When a program refused because its engine still warms up may try again. */
    private static final long WARMING_RETRY_MILLIS = 2000;
    private final ExecutorRegistry registry;
    private final ExecutionLimitsPolicy limits;
    private static final String DENO = "deno";

    /** What to run, where: the request's code, language and engine after the original's routing rules. */
    private record Program(String code, Language language, Optional<String> engine) {
    }

    private Program program(Language requested, ObjectNode params, Principal principal) {
        String code = Params.requiredString(params, "code");
        // The request's engine, else the one the caller's key chose for the language (auth.api-keys[].engines).
        Optional<String> engine = Params.optionalString(params, "engine")
                .or(() -> Optional.ofNullable(principal.engines().get(requested.id())));
        // The original ran TypeScript without imports as JavaScript; without a TypeScript engine, so does this.
        Language language = requested == Language.TYPESCRIPT && !registry.runs(Language.TYPESCRIPT)
                ? Language.JAVASCRIPT : requested;
        if (language == Language.PYTHON) {
            return new Program(code, language, engine);
        }
        if (engine.isPresent()) {
            if (!engine.get().equals(DENO) && StaticImports.of(code).any()) {
                throw Params.invalid("The program uses import statements, which only the deno engine runs, not "
                                     + engine.get() + ": run it with engine \"deno\", or remove those lines (a program "
                                     + "is the body of an async function with the tools already in scope)");
            }
            return new Program(code, language, engine);
        }
        if (!ModuleSyntax.present(code)) {
            return new Program(code, language, engine);
        }
        // As in the original, a program with import statements runs in Deno (they load Deno's built-in modules,
        // `node:crypto` and the like), and "export {};" marks one for Deno. Every engine runs a program as the body of
        // an async function, so the marker is dropped; other export statements cannot run anywhere.
        String stripped = ModuleSyntax.withoutEmptyExports(code);
        if (ModuleSyntax.exports(stripped)) {
            throw Params.invalid("The program uses export statements, which no engine runs: a program is the body of "
                                 + "an async function with the tools already in scope; remove those lines");
        }
        Executor deno = registry.engines().get(DENO);
        boolean denoRuns = deno != null && deno.languages().contains(language);
        boolean imports = StaticImports.of(stripped).any(); // by tokens: not an "import" line inside a string
        if (imports && !denoRuns) {
            throw Params.invalid("The program uses import statements, which only the deno engine runs, and this server "
                                 + "does not have it: a program is the body of an async function with the tools "
                                 + "already in scope; remove those lines");
        }
        // Imports need Deno even while it warms up (the program waits for it); the marker alone only asks for it.
        boolean marked = !stripped.equals(code);
        boolean toDeno = imports || marked && denoRuns && deno.availability().available();
        return new Program(stripped, toDeno ? Language.TYPESCRIPT : language, toDeno ? Optional.of(DENO) : engine);
    }

    /** How long past its wall limit an execution's caller waits for the engine to stop it before answering anyway. */
    private static final long STOP_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ExecutionPool guests;
    private final GuestTurns turns;
    private final ExecutionPool subprocesses;
    private final KeySlots keySlots;
    private final HeapBudget heap;
    private final GatewayMetrics metrics;
    private final Tracing tracing;
    private final RateLimiter rateLimiter;
    private final AuditTrail audit;

    ExecutionService(ExecutorRegistry registry, ExecutionLimitsPolicy limits, ExecutorsConfig config,
                     RateLimiter rateLimiter, AuditTrail audit, GatewayMetrics metrics, Tracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.rateLimiter = rateLimiter;
        this.audit = audit;
        this.registry = registry;
        this.limits = limits;
        this.guests = new ExecutionPool("conduit-guest-", config.threads(), config.queue());
        this.turns = new GuestTurns(config.running());
        this.subprocesses = new ExecutionPool("conduit-subprocess-", config.threads(), config.queue());
        this.keySlots = new KeySlots(config.perKey());
        this.heap = HeapBudget.ofThisJvm();
        long cap = limits.defaults().memoryBytes();
        LOGGER.log(System.Logger.Level.INFO, "memory: programs of the in-process engines may hold "
                + mib(heap.budget()) + " MB in all (JVM heap " + mib(Runtime.getRuntime().maxMemory())
                + " MB, the rest kept for the server): " + heap.budget() / Math.max(1, cap) + " at once at the default "
                + "limit of " + mib(cap) + " MB, for " + config.threads() + " guest threads, " + config.running()
                + " running guest code at once");
        metrics.gauge("conduit.executions.running", "Executions running on a guest thread now", this::running);
        metrics.gauge("conduit.executions.queued", "Executions waiting for a guest thread now", this::queued);
        registry.engines().forEach((engine, executor) -> {
            if (executor.pooled().isPresent()) {
                metrics.gauge("conduit.engine.pool.ready", "Sandboxes made ahead and waiting in the engine's pool",
                              () -> executor.pooled().orElse(0), Tag.create("engine", engine));
            }
        });
        registry.availability().keySet().forEach(engine -> metrics.gauge(
                "conduit.engine.available", "1 when the engine can run programs, else 0",
                () -> registry.availability().get(engine).available() ? 1 : 0,
                Tag.create("engine", engine)));
    }

    /** One program's run: how it ended, on which engine, how long it took, and the tools it called. */
    record Run(ExecutionOutcome outcome, String engine, long durationMillis, ArrayNode toolCalls) {
        int exitCode() {
            return outcome instanceof ExecutionOutcome.Completed ? 0 : 1;
        }

        /** The program's result as JSON, or null. */
        JsonNode result() {
            if (outcome instanceof ExecutionOutcome.Completed completed && completed.resultJson().isPresent()) {
                try {
                    return Json.mapper().readTree(completed.resultJson().get());
                } catch (JacksonException e) {
                    return Json.mapper().getNodeFactory().nullNode();
                }
            }
            return Json.mapper().getNodeFactory().nullNode();
        }
    }

    boolean runs(Language language) {
        return registry.runs(language);
    }

    /**
     * Runs {@code code}.
     *
     * @param params the request's arguments: {@code code}, optional {@code engine}, {@code allowedTools},
     *               {@code limits}
     * @throws RpcException for bad params, no engine, a full pool, or a limit the program crossed
     */
    Run run(ToolAccess access, Language requested, ObjectNode params, RequestContext context) {
        authorize(requested, context);
        Program program = program(requested, params, context.principal());
        Executor selected = registry.select(program.language(), program.engine()); // refuses an unknown engine first
        admit(context);
        // Engines' warm-ups give way while programs are in the server; the engine this one is meant for starts now.
        WarmUpGate.shared().programBegins(registry.firstChoice(program.language(), program.engine()).name());
        try {
            return runAdmitted(access, program, selected, params, context);
        } finally {
            WarmUpGate.shared().programEnds();
        }
    }

    private Run runAdmitted(ToolAccess access, Program program, Executor selected, ObjectNode params,
                            RequestContext context) {
        ExecutionLimits resolved = limits.resolve(context.principal().limits(), params.get("limits"));
        Timing timing = new Timing(resolved.wallTime());
        Executor executor = program.engine().isEmpty() && !ExecutorRegistry.runsNow(selected)
                ? registry.selectOnceOneRuns(program.language(), timing.deadline()) : selected;
        awaitStarted(executor, timing, context);
        Span span = tracing.start("execute " + executor.name(), SpanKind.INTERNAL);
        span.setAttribute("conduit.engine", executor.name());
        span.setAttribute("conduit.language", program.language().id());
        // The guest's tool calls, on whatever thread an engine makes them, are children of this span.
        Context traced = Context.current().with(span);
        ExecutionBridge bridge = new ExecutionBridge(access, context, allowedTools(params), resolved.toolCalls(),
                                                     traced, rateLimiter, metrics,
                                                     program.code().contains("tools"), timing.deadline());
        metrics.executionStarted(executor.name());
        ExecutionOutcome outcome;
        try {
            outcome = runInLane(executor, context, timing.deadline(),
                                traced.wrap(() -> execute(executor, program, resolved, bridge, context, timing)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endedUnrun(executor, span, timing, Outcome.CANCELLED);
            throw new RpcException(Outcome.BUSY.error("The execution was interrupted"));
        } catch (RpcException busy) {
            endedUnrun(executor, span, timing, Outcome.BUSY);
            throw busy;
        } finally {
            bridge.end();
        }
        Run run = new Run(outcome, executor.name(), timing.elapsed().toMillis(), bridge.trace());
        record(run, program, params, context, span, timing);
        if (outcome instanceof ExecutionOutcome.LimitExceeded exceeded) {
            // Told as a log message too, so a client that logs sees why before the error arrives.
            context.log(LogLevel.WARNING, "conduit", "execution stopped: " + exceeded.message());
            throw limitError(exceeded, run.toolCalls(), bridge, context);
        }
        return run;
    }

    /**
     * Waits, within the program's wall limit, for an engine still warming up after the server's start, telling the
     * client so in a log message; refuses with -32000 and when to come back if it takes longer, or if the engine
     * failed to start.
     */
    private static void awaitStarted(Executor executor, Timing timing, RequestContext context) {
        CompletableFuture<Void> started = executor.started();
        if (!started.isDone()) {
            context.log(LogLevel.INFO, "conduit", "the " + executor.name() + " engine is warming up after the "
                                                  + "server's start; the program runs when it is ready");
        }
        try {
            started.get(timing.deadline() - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RpcException(Outcome.BUSY.error("The " + executor.name() + " engine is still warming up after "
                    + "the server's start; retry in a few seconds").withData(Json.object()
                    .put("retryAfterMs", WARMING_RETRY_MILLIS)));
        } catch (ExecutionException | CancellationException e) {
            throw new RpcException(Outcome.BUSY.error("The " + executor.name() + " engine could not start: "
                    + (e.getCause() == null ? "it was stopped" : e.getCause().getMessage())
                    + "; the server's log says why"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Outcome.BUSY.error("The execution was interrupted"));
        }
    }

    /** Takes a token from the key's execution bucket, or refuses with -32005 and when to come back. */
    private void admit(RequestContext context) {
        if (rateLimiter.acquire(context.principal().id(), RateLimiter.Kind.EXECUTIONS)
                instanceof RateLimiter.Limited limited) {
            metrics.rateLimited(RateLimiter.Kind.EXECUTIONS);
            throw new RpcException(RateLimitErrors.of(RateLimiter.Kind.EXECUTIONS, context.principal().id(),
                                                      limited.retryAfter()));
        }
    }

    /** On the engine's thread: the program with what is left of its wall limit, or none when the wait took it all. */
    private ExecutionOutcome execute(Executor executor, Program program, ExecutionLimits resolved,
                                     ExecutionBridge bridge, RequestContext context, Timing timing) {
        Duration left = timing.onThread();
        if (left.isNegative() || left.isZero()) {
            return waitedTooLong();
        }
        ExecutionRequest request = new ExecutionRequest(program.code(), program.language(),
                                                        resolved.withWallTime(left), bridge, context.correlationId());
        if (!executor.inProcess()) {
            return executor.execute(request); // its memory is its own process's, bounded by its engine
        }
        // A program whose cap does not fit beside those running waits for room like it waits for a thread, within
        // its wall limit: a burst of clients is served in turn rather than refused.
        Optional<HeapBudget.Reservation> room;
        try {
            room = heap.reserve(resolved.memoryBytes(), timing.deadline());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cancelledBeforeStart();
        }
        HeapBudget.Reservation reservation = room.orElseThrow(() -> new RpcException(
                Outcome.BUSY.error("Server busy: the programs running now may hold " + mib(heap.reserved()) + " MB of the "
                        + mib(heap.budget()) + " MB the heap has for programs, and this one may hold "
                        + mib(resolved.memoryBytes()) + " MB (its memory limit)"
                        + (resolved.memoryBytes() > heap.budget() ? ", more than the whole budget; ask for a lower "
                           + "limits.memoryLimitMb" : "; no room came within its wall limit: retry shortly, or ask "
                           + "for a lower limits.memoryLimitMb")).withData(Json.object()
                        .put("retryAfterMs", HEAP_RETRY_MILLIS))));
        try (reservation) {
            Optional<GuestTurns.Turn> turn = turns.take(context.principal().id(), timing.deadline());
            if (turn.isEmpty()) {
                return waitedForTurn();
            }
            try (GuestTurns.Turn held = turn.get()) {
                bridge.runsOn(held);
                // The wait for a turn counts against the wall limit like the wait for a thread: the engine gets
                // what is left now.
                Duration leftNow = timing.onThread();
                if (leftNow.isNegative() || leftNow.isZero()) {
                    return waitedForTurn();
                }
                return executor.execute(new ExecutionRequest(program.code(), program.language(),
                                                             resolved.withWallTime(leftNow), bridge,
                                                             context.correlationId()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cancelledBeforeStart();
        }
    }

    private static ExecutionOutcome waitedForTurn() {
        return new ExecutionOutcome.LimitExceeded(ExecutionOutcome.Limit.WALL_TIME, "", "",
                "The program waited its whole wall limit for a turn to run (executors.running programs compute at "
                + "once); the server is busy, retry shortly");
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** An execution that never ran (no thread, interrupted): counted and traced with how it ended. */
    private void endedUnrun(Executor executor, Span span, Timing timing, Outcome outcome) {
        metrics.executionFinished(executor.name(), outcome.label(), timing.elapsed(), timing.elapsed());
        Tracing.end(span, outcome.label());
    }

    /** Everything a finished execution leaves behind: its metrics, span, log line and audit record. */
    private void record(Run run, Program program, ObjectNode params, RequestContext context, Span span,
                        Timing timing) {
        String ended = Outcome.of(run.outcome()).label();
        metrics.executionFinished(run.engine(), ended, timing.elapsed(), timing.waited());
        span.setAttribute("conduit.tool_calls", run.toolCalls().size());
        Tracing.end(span, ended);
        EventLog.execution(context, run.engine(), program.language().id(), ended, timing.elapsed(),
                           run.toolCalls().size());
        List<String> allowlist = new ArrayList<>(context.principal().allowedTools());
        JsonNode narrowed = params.get("allowedTools");
        audit.execution(context, run.engine(), program.language().id(), program.code(),
                        narrowed == null || narrowed.isNull() ? allowlist
                                : List.of("key: " + allowlist, "request: " + narrowed),
                        run.toolCalls(), ended,
                        run.outcome() instanceof ExecutionOutcome.LimitExceeded exceeded
                                ? Optional.of(exceeded.limit().name().toLowerCase(Locale.ROOT)) : Optional.empty(),
                        run.durationMillis(),
                        run.outcome() instanceof ExecutionOutcome.Completed completed
                                ? completed.resultJson().map(String::length).orElse(0) : 0);
    }

    /**
     * The clock of one execution: the wall limit counts from admission, so time spent waiting for a slot or a thread
     * is part of it.
     */
    private static final class Timing {
        private final long started = System.nanoTime();
        private final long deadline;
        private volatile long onThread = started;

        Timing(Duration wallTime) {
            this.deadline = started + wallTime.toNanos();
        }

        long deadline() {
            return deadline;
        }

        /** Marks the moment the program got its thread; what is left of its wall limit. */
        Duration onThread() {
            onThread = System.nanoTime();
            return Duration.ofNanos(deadline - onThread);
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        Duration waited() {
            return Duration.ofNanos(onThread - started);
        }
    }

    /**
     * The one check that a caller may run code, whichever way it asks (the {@code execute_*} tools, the original's
     * {@code mcp.execute*} and {@code mcp_execute_*} methods, any transport): its allow-list must grant the tool
     * {@code conduit.execute_<language>}, as {@code conduit.*} or by name.
     */
    static void authorize(Language language, RequestContext context) {
        String tool = "execute_" + language.id();
        if (!ToolAllowList.ofKey(context.principal().allowedTools()).allows(ToolAccess.BUILTIN_NAMESPACE, tool)) {
            throw new RpcException(Outcome.FORBIDDEN.error("This API key may not run "
                    + language.id() + " code: its allow-list does not grant " + ToolAccess.BUILTIN_NAMESPACE + "."
                    + tool + " (or " + ToolAccess.BUILTIN_NAMESPACE + ".*)"));
        }
    }

    /**
     * Runs {@code work} on the engine's lane (in-process guests, or the lane of engines that run programs in other
     * processes) under one of the key's slots, and answers by {@code deadline} plus a moment whatever the engine does.
     */
    private ExecutionOutcome runInLane(Executor executor, RequestContext context, long deadline,
                                       Callable<ExecutionOutcome> work)
            throws InterruptedException {
        Optional<KeySlots.Slot> slot = keySlots.acquire(context.principal().id(), deadline, context.cancellation());
        if (slot.isEmpty()) {
            return context.cancellation().cancelled() ? cancelledBeforeStart() : new ExecutionOutcome.LimitExceeded(
                    ExecutionOutcome.Limit.WALL_TIME, "", "", "The program waited its whole wall limit for one of the "
                    + keySlots.perKey() + " executions this key may run at once (executors.per-key) to end");
        }
        try (KeySlots.Slot _ = slot.get()) {
            if (executor.inProcess()) {
                // A guest that failed or was stopped ended in an exception on its thread, whose state may keep it
                // (and the guest's heap through its frames) while the thread idles: such a thread ends
                // (ExecutionPool.Lane).
                return guests.run(work, outcome -> !(outcome instanceof ExecutionOutcome.Completed),
                                  context.cancellation(), deadline + STOP_ALLOWANCE_NANOS);
            }
            return subprocesses.run(work, context.cancellation(), deadline + STOP_ALLOWANCE_NANOS);
        } catch (CancellationException e) {
            return cancelledBeforeStart(); // cancelled while it waited for a thread: it never started
        } catch (ExecutionPool.OverdueException e) {
            return switch (e.overdue()) {
                case ExecutionPool.Overdue.NeverStarted _ -> waitedTooLong();
                case ExecutionPool.Overdue.StillRunning _ -> {
                    // The engine did not stop the guest in time (a long built-in call): answer now; the guest's
                    // thread is freed when its engine does stop it.
                    LOGGER.log(System.Logger.Level.WARNING, "[" + context.correlationId() + "] " + executor.name()
                               + " did not stop a program at its wall limit; answered without waiting for it");
                    yield new ExecutionOutcome.LimitExceeded(ExecutionOutcome.Limit.WALL_TIME, "", "",
                                                             ExecutionOutcome.Limit.WALL_TIME.message());
                }
            };
        }
    }

    private static ExecutionOutcome cancelledBeforeStart() {
        return new ExecutionOutcome.LimitExceeded(ExecutionOutcome.Limit.CANCELLED, "", "",
                                                  ExecutionOutcome.Limit.CANCELLED.message());
    }

    private static ExecutionOutcome waitedTooLong() {
        return new ExecutionOutcome.LimitExceeded(ExecutionOutcome.Limit.WALL_TIME, "", "",
                "The program waited its whole wall limit for a free execution thread (executors.threads); "
                + "the server is busy, retry shortly");
    }

    /**
     * The error of a program that a limit stopped, with its partial output: the limit's own code, the key's tool-call
     * rate (-32005 with when to come back) when that rather than the budget stopped it, or the cancellation's.
     */
    private static RpcException limitError(ExecutionOutcome.LimitExceeded exceeded, ArrayNode toolCalls,
                                           ExecutionBridge bridge, RequestContext context) {
        JsonRpcError error;
        ObjectNode data;
        if (exceeded.limit() == ExecutionOutcome.Limit.TOOL_CALLS && bridge.rateLimited().isPresent()) {
            JsonRpcError limited = RateLimitErrors.of(RateLimiter.Kind.TOOL_CALLS, context.principal().id(),
                                                      bridge.rateLimited().get());
            error = JsonRpcError.of(limited.code(), limited.message());
            data = ((ObjectNode) limited.data().orElseThrow()).deepCopy();
        } else if (exceeded.limit() == ExecutionOutcome.Limit.CANCELLED) {
            error = cancelledError(context);
            data = Json.object();
        } else {
            error = Outcome.of(exceeded.limit()).error(exceeded.message());
            data = Json.object();
            data.put("limit", exceeded.limit().name().toLowerCase(Locale.ROOT));
        }
        data.put("stdout", exceeded.stdout());
        data.put("stderr", exceeded.stderr());
        data.set("toolCalls", toolCalls);
        return new RpcException(error.withData(data));
    }

    /** -32000 when the server's shutdown stopped the execution (another replica may run it), else -32800. */
    private static JsonRpcError cancelledError(RequestContext context) {
        String reason = context.cancellation().reason().orElse("cancelled");
        if (reason.equals(Cancellation.SHUTDOWN)) {
            return Outcome.BUSY.error("Server shutting down: the execution was stopped before it "
                                                           + "finished; run it again once the server is back");
        }
        return Outcome.CANCELLED.error("The execution was cancelled (" + reason + ")");
    }


    private static Optional<ToolAllowList> allowedTools(ObjectNode params) {
        JsonNode value = params.get("allowedTools");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw Params.invalid("\"allowedTools\" must be an array of tool patterns");
        }
        List<String> patterns = new ArrayList<>();
        value.forEach(pattern -> {
            if (!pattern.isString()) {
                throw Params.invalid("\"allowedTools\" must be an array of tool patterns");
            }
            patterns.add(pattern.stringValue());
        });
        return Optional.of(ToolAllowList.of(patterns));
    }

    int running() {
        return guests.running() + subprocesses.running();
    }

    int queued() {
        return guests.queued() + subprocesses.queued();
    }

    @Override
    public void close() {
        guests.close();
        subprocesses.close();
    }
}
