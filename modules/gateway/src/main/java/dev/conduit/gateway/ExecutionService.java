package dev.conduit.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.ExecutionLimits;
import dev.conduit.core.spi.ExecutionOutcome;
import dev.conduit.core.spi.ExecutionRequest;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.spi.Language;
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
    private final ExecutorRegistry registry;
    private final ExecutionLimitsPolicy limits;
    private final ExecutionPool pool;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final RateLimiter rateLimiter;
    private final AuditTrail audit;

    ExecutionService(ExecutorRegistry registry, ExecutionLimitsPolicy limits, ExecutorsConfig config,
                     RateLimiter rateLimiter, AuditTrail audit) {
        this.rateLimiter = rateLimiter;
        this.audit = audit;
        this.registry = registry;
        this.limits = limits;
        this.pool = new ExecutionPool(config.threads(), config.queue());
        metrics.gauge("conduit.executions.running", "Executions running on a guest thread now", pool::running);
        metrics.gauge("conduit.executions.queued", "Executions waiting for a guest thread now", pool::queued);
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
        String code = Params.requiredString(params, "code");
        Optional<String> engine = Params.optionalString(params, "engine");
        // The original ran TypeScript without imports as JavaScript; without a TypeScript engine, so does this.
        Language language = requested == Language.TYPESCRIPT && !registry.runs(Language.TYPESCRIPT)
                ? Language.JAVASCRIPT : requested;
        Executor executor = registry.select(language, engine);
        if (rateLimiter.acquire(context.principal().id(), RateLimiter.Kind.EXECUTIONS)
                instanceof RateLimiter.Limited limited) {
            throw new RpcException(RateLimitErrors.of(RateLimiter.Kind.EXECUTIONS, context.principal().id(),
                                                      limited.retryAfter()));
        }
        ExecutionLimits resolved = limits.resolve(context.principal().limits(), params.get("limits"));
        Span span = Tracing.start("execute " + executor.name(), SpanKind.INTERNAL);
        span.setAttribute("conduit.engine", executor.name());
        span.setAttribute("conduit.language", language.id());
        // The guest's tool calls, on whatever thread an engine makes them, are children of this span.
        Context traced = Context.current().with(span);
        ExecutionBridge bridge = new ExecutionBridge(access, context, allowedTools(params), resolved.toolCalls(),
                                                     traced, rateLimiter);
        long started = System.nanoTime();
        long[] onThread = {started};
        metrics.executionStarted(executor.name());
        ExecutionOutcome outcome;
        try {
            outcome = pool.run(traced.wrap(() -> {
                onThread[0] = System.nanoTime();
                return executor.execute(new ExecutionRequest(code, language, resolved, bridge,
                                                             context.correlationId()));
            }));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished(executor.name(), "cancelled", started, started);
            Tracing.end(span, "cancelled");
            throw new RpcException(JsonRpcError.of(ErrorCodes.SERVER_BUSY, "The execution was interrupted"));
        } catch (RpcException busy) {
            finished(executor.name(), "busy", started, started);
            Tracing.end(span, "busy");
            throw busy;
        }
        String ended = GatewayMetrics.outcome(outcome);
        finished(executor.name(), ended, started, onThread[0]);
        Run run = new Run(outcome, executor.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                          bridge.trace());
        span.setAttribute("conduit.tool_calls", run.toolCalls().size());
        Tracing.end(span, ended);
        EventLog.execution(context, executor.name(), language.id(), ended,
                           Duration.ofNanos(System.nanoTime() - started), run.toolCalls().size());
        List<String> allowlist = new ArrayList<>(context.principal().allowedTools());
        JsonNode narrowed = params.get("allowedTools");
        audit.execution(context, executor.name(), language.id(), code,
                        narrowed == null || narrowed.isNull() ? allowlist
                                : List.of("key: " + allowlist, "request: " + narrowed),
                        run.toolCalls(), ended,
                        outcome instanceof ExecutionOutcome.LimitExceeded exceeded
                                ? exceeded.limit().name().toLowerCase(Locale.ROOT) : null,
                        run.durationMillis(),
                        outcome instanceof ExecutionOutcome.Completed completed
                                ? completed.resultJson().map(String::length).orElse(0) : 0);
        if (outcome instanceof ExecutionOutcome.LimitExceeded exceeded
            && exceeded.limit() == ExecutionOutcome.Limit.TOOL_CALLS && bridge.rateLimited().isPresent()) {
            // Stopped by the key's tool-call rate, not the budget: the rate's own code, with when to come back.
            JsonRpcError limited = RateLimitErrors.of(RateLimiter.Kind.TOOL_CALLS, context.principal().id(),
                                                      bridge.rateLimited().get());
            ObjectNode data = ((ObjectNode) limited.data().orElseThrow()).deepCopy();
            data.put("stdout", exceeded.stdout());
            data.put("stderr", exceeded.stderr());
            data.set("toolCalls", run.toolCalls());
            throw new RpcException(JsonRpcError.of(limited.code(), limited.message()).withData(data));
        }
        if (outcome instanceof ExecutionOutcome.LimitExceeded exceeded) {
            ObjectNode data = Json.object();
            data.put("limit", exceeded.limit().name().toLowerCase(Locale.ROOT));
            data.put("stdout", exceeded.stdout());
            data.put("stderr", exceeded.stderr());
            data.set("toolCalls", run.toolCalls());
            throw new RpcException(JsonRpcError.of(code(exceeded.limit()), exceeded.message()).withData(data));
        }
        return run;
    }

    private void finished(String engine, String outcome, long started, long onThread) {
        long now = System.nanoTime();
        metrics.executionFinished(engine, outcome, Duration.ofNanos(now - started), Duration.ofNanos(onThread - started));
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

    static int code(ExecutionOutcome.Limit limit) {
        return switch (limit) {
            case WALL_TIME, CPU_TIME -> ErrorCodes.TIMEOUT;
            case MEMORY -> ErrorCodes.MEMORY_LIMIT;
            case OUTPUT -> ErrorCodes.OUTPUT_LIMIT;
            case LOG_ENTRIES -> ErrorCodes.LOG_LIMIT;
            case TOOL_CALLS -> ErrorCodes.TOOL_BUDGET;
            case CODE_SIZE, STACK_DEPTH -> ErrorCodes.CODE_LIMIT;
        };
    }

    int running() {
        return pool.running();
    }

    int queued() {
        return pool.queued();
    }

    @Override
    public void close() {
        pool.close();
    }
}
