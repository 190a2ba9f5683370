package dev.conduit.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.spi.ToolBridge;
import dev.conduit.core.tool.Tool;
import dev.conduit.policy.RateLimiter;
import dev.conduit.policy.ToolAllowList;
import dev.conduit.sdkgen.SdkManifest;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tool bridge of one execution. Every call goes through {@link ToolAccess} exactly like a direct
 * {@code tools/call} by the same caller (allow-list, validation, upstream path), is also held to the execution's own
 * allow-list (a request's {@code allowedTools} can only narrow the key's), counts against the tool-call budget, and
 * is recorded in the trace. The gateway's own tools are out of reach: a program cannot start another execution.
 */
final class ExecutionBridge implements ToolBridge {
    private static final System.Logger LOGGER = System.getLogger(ExecutionBridge.class.getName());
    private final ToolAccess access;
    private final RequestContext context;
    /** What the program's calls are made under, cancelled when nobody is left to read their answers. */
    private final ProgramCalls programCalls;
    private final ToolReach reach;
    private final int budget;
    private final AtomicInteger calls = new AtomicInteger();
    private final Context traced;
    private final RateLimiter rateLimiter;
    private final GatewayMetrics metrics;
    private volatile Duration rateLimited;
    private final List<ObjectNode> trace = new CopyOnWriteArrayList<>();
    private final boolean namesTools;
    /** The program's turn to run guest code, for in-process engines: given back while a tool call waits. */
    private volatile GuestTurns.Turn turn;
    /** Places for the program's started calls to run at once ({@value #CALLS_AT_ONCE}); the others wait for one. */
    private final Semaphore places = new Semaphore(CALLS_AT_ONCE);
    /** One permit per started call that answered: what wakes an idle guest. */
    private final Semaphore answers = new Semaphore(0);
    private volatile boolean ended;

    /**
     * How many of one program's calls run at once: enough for the fan-out of {@code Promise.all} to pay, few enough
     * that one program cannot send an upstream its whole tool-call budget at once.
     */
    static final int CALLS_AT_ONCE = 16;

    /**
     * @param namesTools whether the program's source names {@code tools} at all; one that does not cannot reach the
     *                   SDK, so its manifest need not wait for upstreams still starting (a first {@code return 1+1}
     *                   after the server's start waited about a second for the demo upstream's Node.js)
     */
    ExecutionBridge(ToolAccess access, RequestContext context, Optional<ToolAllowList> narrowed, int budget,
                    Context traced, RateLimiter rateLimiter, GatewayMetrics metrics, boolean namesTools,
                    long deadlineNanos) {
        this.programCalls = new ProgramCalls(context, deadlineNanos);
        this.namesTools = namesTools;
        this.metrics = metrics;
        this.traced = traced;
        this.rateLimiter = rateLimiter;
        this.access = access;
        this.context = context;
        this.reach = ToolReach.program(context.principal(), narrowed);
        this.budget = budget;
    }

    /** The turn the program runs on (in-process engines), given back while its tool calls wait. */
    void runsOn(GuestTurns.Turn turn) {
        this.turn = turn;
    }

    @Override
    public void idle(long millis) {
        GuestTurns.Turn current = turn;
        if (current == null) {
            awaitAnswer(millis);
            return;
        }
        current.whileWaiting(() -> {
            awaitAnswer(millis);
            return null;
        });
    }

    /** Waits up to {@code millis} for a started call to answer; one that already has since the last wait counts. */
    private void awaitAnswer(long millis) {
        try {
            if (answers.tryAcquire(Math.max(0, millis), TimeUnit.MILLISECONDS)) {
                answers.drainPermits(); // the engine takes every answer there is before it waits again
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String call(String requested, String argumentsJson) {
        try (Scope _ = traced.makeCurrent()) {
            return traced(requested, new Sent(argumentsJson), turn);
        }
    }

    @Override
    public long maxArgumentBytes() {
        return access.maxArgumentBytes();
    }

    /** Counted, rate-limited, allow-listed and traced as a call, then refused as {@link ToolAccess} refuses it. */
    @Override
    public String oversized(String requested, long bytes) {
        try (Scope _ = traced.makeCurrent()) {
            return traced(requested, new TooLarge(bytes), null);
        }
    }

    /** A call's arguments as the engine hands them over. */
    private sealed interface Arguments permits Sent, TooLarge {
    }

    /** The arguments, a JSON object. */
    private record Sent(String json) implements Arguments {
    }

    /** Arguments the engine could not carry: {@code bytes} of JSON, over {@link #maxArgumentBytes}. */
    private record TooLarge(long bytes) implements Arguments {
    }

    /**
     * The call on a virtual thread of its own, once one of the program's {@value #CALLS_AT_ONCE} places is free; the
     * guest's turn stays with the guest (it gives it back when it idles). The future completes before the guest is
     * woken, so the engine finds the answer when it looks. A call still waiting for a place when the program has
     * ended is answered without being made.
     */
    @Override
    public CompletableFuture<String> start(String requested, String argumentsJson) {
        if (calls.get() >= budget) {
            // Refused without reaching an upstream, so without a thread: a loop that starts calls past its budget
            // makes none until its engine stops it.
            String refused = traced(requested, new Sent(argumentsJson), null);
            answers.release();
            return CompletableFuture.completedFuture(refused);
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        programCalls.track(answer);
        Thread.ofVirtual().name("conduit-guest-call").start(traced.wrap(() -> {
            try {
                answer.complete(placed(requested, argumentsJson));
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.ERROR, "[" + context.correlationId() + "] a program's tool call failed", e);
                answer.complete(error(Outcome.INTERNAL_ERROR.code(), "The tool call failed in the gateway").toString());
            } finally {
                answers.release();
            }
        }));
        return answer;
    }

    private String placed(String requested, String argumentsJson) {
        try {
            places.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(Outcome.INTERNAL_ERROR.code(), "The tool call was interrupted").toString();
        }
        try {
            if (ended) {
                return error(Outcome.CANCELLED.code(), "The program ended before the call was made").toString();
            }
            return traced(requested, new Sent(argumentsJson), null);
        } finally {
            places.release();
        }
    }

    /**
     * The program has ended: calls it started that still wait for a place are not made, and those still out are
     * cancelled (their upstreams told); waits a moment for them to answer, so that the trace shows them.
     */
    void end() {
        ended = true;
        programCalls.end();
    }

    /** The call, giving {@code current} (the guest's turn, when the guest's own thread waits for it) back meanwhile. */
    private String traced(String requested, Arguments given, GuestTurns.Turn current) {
        long started = System.nanoTime();
        if (calls.incrementAndGet() > budget) {
            return record(requested, Outcome.TOOL_BUDGET, started,
                          error(Outcome.TOOL_BUDGET.code(), "Tool-call budget of " + budget + " calls is spent"));
        }
        // A program's calls are not requests: only the key's tool-call rate, when set, limits them across executions.
        if (rateLimiter.acquire(context.principal().id(), RateLimiter.Kind.TOOL_CALLS)
                instanceof RateLimiter.Limited limited) {
            rateLimited = limited.retryAfter();
            metrics.rateLimited(RateLimiter.Kind.TOOL_CALLS);
            JsonRpcError refusal = RateLimitErrors.of(RateLimiter.Kind.TOOL_CALLS, context.principal().id(),
                                                      limited.retryAfter());
            return record(requested, Outcome.RATE_LIMITED, started, error(refusal.code(), refusal.message()));
        }
        Optional<Tool> tool = access.resolve(requested, reach);
        if (tool.isEmpty()) {
            return record(requested, Outcome.FORBIDDEN, started, error(Outcome.FORBIDDEN.code(),
                    "Authorization failed: tool " + requested + " is not in the allowlist or does not exist"));
        }
        String name = tool.get().definition().name();
        if (given instanceof TooLarge tooLarge) {
            return record(name, Outcome.INVALID_PARAMS, started,
                          error(Outcome.INVALID_PARAMS.code(), access.oversized(name, tooLarge.bytes())));
        }
        ObjectNode arguments;
        try {
            String json = ((Sent) given).json();
            arguments = Json.mapper().readTree(json) instanceof ObjectNode object ? object : Json.object();
        } catch (JacksonException e) {
            return record(name, Outcome.INVALID_PARAMS, started,
                          error(Outcome.INVALID_PARAMS.code(), "Tool arguments are not JSON"));
        }
        try {
            RequestContext calling = programCalls.context();
            ObjectNode result = current == null ? access.call(tool.get(), arguments, Optional.empty(), calling)
                    : current.whileWaiting(() -> access.call(tool.get(), arguments, Optional.empty(), calling));
            if (result.path("isError").asBoolean(false) && programCalls.abandoned()) {
                return record(name, Outcome.CANCELLED, started, error(Outcome.CANCELLED.code(),
                                                                      "The call was cancelled: " + programCalls.reason()));
            }
            if (result.path("isError").asBoolean(false)) {
                return record(name, Outcome.TOOL_ERROR, started, toolError(text(result)));
            }
            ObjectNode answer = Json.object();
            answer.set("value", value(result));
            return record(name, Outcome.OK, started, answer);
        } catch (RpcException e) {
            return record(name, Outcome.ofCode(e.error().code()), started, error(e.error().code(), e.error().message()));
        }
    }

    /**
     * What the program gets: structuredContent; else, when the content is text alone, the text parsed as JSON when it
     * parses, else the text; else (an image, audio, a resource or a link among it, which text would lose) the content
     * itself, {@code {content: [...]}}, each item as the upstream gave it.
     */
    private static JsonNode value(ObjectNode result) {
        if (result.get("structuredContent") instanceof ObjectNode structured) {
            return structured;
        }
        if (result.path("content").valueStream().anyMatch(item -> !"text".equals(item.path("type").asString("")))) {
            ObjectNode content = Json.object();
            content.set("content", result.get("content"));
            return content;
        }
        String text = text(result);
        if (!mayBeJson(text)) {
            return Json.mapper().getNodeFactory().stringNode(text);
        }
        try {
            JsonNode parsed = Json.mapper().readTree(text);
            if (parsed != null && !parsed.isMissingNode()) {
                return parsed;
            }
        } catch (JacksonException e) {
            // Not JSON: the text itself is the value.
        }
        return Json.mapper().getNodeFactory().stringNode(text);
    }

    /** Whether {@code text} could be a JSON value; most tool text is prose, which need not be parsed to find out. */
    private static boolean mayBeJson(String text) {
        String start = text.stripLeading();
        if (start.isEmpty()) {
            return false;
        }
        char first = start.charAt(0);
        return first == '{' || first == '[' || first == '"' || first == '-' || Character.isDigit(first)
               || start.startsWith("true") || start.startsWith("false") || start.startsWith("null");
    }

    private static String text(ObjectNode result) {
        List<String> parts = new ArrayList<>();
        result.path("content").forEach(item -> {
            if ("text".equals(item.path("type").asString(""))) {
                parts.add(item.path("text").asString(""));
            }
        });
        return String.join("\n", parts);
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode answer = Json.object();
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    /** A tool's own failure ({@code isError}): the program's {@code ToolError} carries a word, not a JSON-RPC code. */
    private static ObjectNode toolError(String message) {
        ObjectNode answer = Json.object();
        answer.putObject("error").put("code", Outcome.GUEST_TOOL_ERROR_CODE).put("message", message);
        return answer;
    }

    private String record(String tool, Outcome outcome, long started, ObjectNode answer) {
        ObjectNode entry = Json.object();
        entry.put("tool", tool);
        entry.put("outcome", outcome.traceWord());
        entry.put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        trace.add(entry);
        return answer.toString();
    }

    @Override
    public String manifestJson() {
        List<Tool> tools = namesTools ? access.upstreamTools(reach, Optional.empty())
                                      : access.listedUpstreamTools(reach);
        return SdkManifest.json(tools.stream()
                                        .map(tool -> new SdkManifest.Entry(tool.definition().name(),
                                                                           access.namespaceOf(tool),
                                                                           tool.localName(),
                                                                           tool.definition().description()))
                                        .toList());
    }

    @Override
    public String discoverJson(String optionsJson) {
        JsonNode options;
        try {
            options = Json.mapper().readTree(optionsJson);
        } catch (JacksonException e) {
            options = Json.object();
        }
        String upstream = options.path("package").asString(options.path("namespace").asString(""));
        ArrayNode found = Json.array();
        access.search(options.path("search").asString(""), Optional.of(upstream).filter(id -> !id.isEmpty()), reach)
                .forEach(tool -> {
                    ObjectNode item = found.addObject();
                    item.put("name", tool.definition().name());
                    item.put("description", tool.definition().description());
                    item.set("inputSchema", tool.definition().inputSchema());
                });
        return found.toString();
    }

    @Override
    public boolean budgetExceeded() {
        return calls.get() > budget || rateLimited != null;
    }

    @Override
    public boolean cancelled() {
        return context.cancellation().cancelled();
    }

    /** When the key's tool-call rate stopped the program: the delay it was told to wait. */
    Optional<Duration> rateLimited() {
        return Optional.ofNullable(rateLimited);
    }

    /** The calls made so far: tool, outcome, milliseconds. */
    ArrayNode trace() {
        ArrayNode array = Json.array();
        trace.forEach(array::add);
        return array;
    }
}
