package dev.conduit.gateway;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.ErrorMapper;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.UpstreamFeatures;
import dev.conduit.core.trace.Tracing;
import dev.conduit.policy.AuditSettings;
import dev.conduit.policy.ExecutionLimitsPolicy;
import dev.conduit.policy.RateLimiter;
import dev.conduit.policy.RateLimits;
import dev.conduit.policy.TokenBuckets;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server every transport hands messages to. It routes a request by method to the handler of its group and
 * is the one dispatch path where a handler's failure becomes a JSON-RPC error (through {@link ErrorMapper}).
 * Thread-safe: handlers keep no per-request state.
 */
public final class McpServer implements McpEndpoint {
    private static final System.Logger LOGGER = System.getLogger(McpServer.class.getName());

    /** Default and largest number of tools on one {@code tools/list} page. */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** The default of {@link Builder#maxToolArgumentBytes}: 4 MiB. */
    public static final int DEFAULT_TOOL_ARGUMENT_BYTES = 4 * 1024 * 1024;

    private static final String INSTRUCTIONS = """
            Conduit is a Code Mode gateway: it aggregates the tools of upstream MCP servers and runs code that \
            calls them. Call tools/list to see the tools available to your API key.""";

    private final Map<String, MethodHandler> handlers;
    private final Optional<ExecutionService> executions;
    /** Requests in flight by session and request id, so that notifications/cancelled can reach them. */
    private final Map<String, Cancellation> inFlight = new ConcurrentHashMap<>();
    private final ClientTasks tasks;
    /** Every request running now, whatever its id (two sessions' ids may collide). */
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    /** Cancellations that arrived before their request, by in-flight key, with when (nanoTime). */
    private final Map<String, Long> earlyCancels = new ConcurrentHashMap<>();
    private static final long EARLY_CANCEL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_EARLY_CANCELS = 1000;
    private volatile boolean shutdown;
    private final GatewayMetrics metrics;
    private final Tracing tracing;
    private final RateLimiter rateLimiter;
    private final ClientRequests clientRequests;
    private final PassThroughMethods passThrough;
    private final ModernEra modern;
    private final ToolAccess access;
    private final ParamBindings paramBindings = new ParamBindings();
    private final Subscriptions subscriptions;
    private final InputRounds inputRounds;

    private McpServer(Builder builder) {
        this.clientRequests = builder.clientRequests;
        this.modern = new ModernEra(builder.serverInfo);
        this.inputRounds = new InputRounds(builder.clientRequests, builder.clusterSecret);
        this.rateLimiter = builder.rateLimiter;
        this.tracing = builder.tracing;
        this.metrics = new GatewayMetrics(builder.meters.orElseGet(() -> Services.get(MeterRegistry.class)));
        AuditTrail audit = builder.audit;
        Map<String, MethodHandler> routes = new HashMap<>();
        LifecycleMethods lifecycle = new LifecycleMethods(builder.serverInfo, INSTRUCTIONS, builder.features);
        lifecycle.register(routes);
        Optional<ExecutionService> executions = builder.executors.map(registry -> new ExecutionService(registry,
                builder.executionLimits, builder.executorsConfig, builder.rateLimiter, audit, metrics, tracing));
        this.access = new ToolAccess(builder.catalog, builder.strictValidation, builder.maxToolArgumentBytes,
                                           executions, audit, metrics, tracing);
        new ToolMethods(access, builder.pageSize).register(routes);
        this.tasks = new ClientTasks(builder.clientRequests, builder.pageSize);
        tasks.register(routes);
        MethodHandler toolList = routes.get(McpMethods.TOOLS_LIST);
        routes.put(McpMethods.TOOLS_LIST, (request, context) -> ClientTasks.listing(toolList.handle(request, context),
                                                                                      context));
        new LegacyMethods(access).register(routes);
        executions.ifPresent(service -> ExecutionTools.register(routes, access, service));
        this.executions = executions;
        this.passThrough = new PassThroughMethods(builder.features, builder.pageSize);
        passThrough.register(routes);
        this.subscriptions = new Subscriptions(passThrough, lifecycle);
        subscriptions.register(routes);
        metrics.gauge("conduit.subscriptions.held", "Resource subscriptions held at upstreams for clients",
                      passThrough::held);
        metrics.gauge("conduit.subscriptions.listening", "Open subscriptions/listen streams", subscriptions::open);
        metrics.gauge("conduit.tasks.held", "Tasks kept for clients (working or ended, until their ttl)", tasks::held);
        this.handlers = Map.copyOf(routes);
    }

    /**
     * The sessions a server-initiated notification is for: a log message to those that asked for its level, a
     * resource's update to those subscribed to it, anything else (list changes) to all.
     */
    public Predicate<McpSession> audience(JsonRpcNotification notification) {
        return switch (notification.method()) {
            case McpMethods.MESSAGE -> {
                LogLevel level = LogLevel.fromWireName(notification.params().path("level").asString(""))
                        .orElse(LogLevel.INFO);
                yield session -> session.wants(level);
            }
            case McpMethods.RESOURCES_UPDATED -> passThrough.subscribers(notification.params().path("uri").asString(""));
            default -> session -> true;
        };
    }

    /**
     * A server-initiated change notification for the modern era's {@code subscriptions/listen} streams that opted in
     * to it (legacy sessions get theirs from the transports, picked by {@link #audience}).
     */
    public void deliver(JsonRpcNotification notification) {
        subscriptions.deliver(notification);
    }

    /** What the session still held (resource subscriptions) is released: it ended without unsubscribing. */
    @Override
    public void sessionEnded(McpSession session) {
        passThrough.release(session);
    }

    /** Stops the guest threads. */
    public void close() {
        tasks.close();
        inputRounds.close();
        executions.ifPresent(ExecutionService::close);
    }

    /** A builder with an empty catalog and this build's server info. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<McpParamHeaders.Binding> toolParamBindings(String name, Principal principal) {
        return access.resolve(name, ToolReach.client(principal)).map(paramBindings::of).orElse(List.of());
    }

    @Override
    public Optional<JsonRpcResponse> handle(JsonRpcMessage message, RequestContext context) {
        return switch (message) {
            case JsonRpcRequest request -> Optional.of(dispatch(request, context));
            case JsonRpcNotification notification -> {
                onNotification(notification, context);
                yield Optional.empty();
            }
            case JsonRpcResponse response -> {
                if (!tasks.answer(context, response) && !clientRequests.complete(context.session(), response)) {
                    LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] ignored a response with id "
                                                  + response.id() + ", which nothing waits for");
                }
                yield Optional.empty();
            }
        };
    }

    private JsonRpcResponse dispatch(JsonRpcRequest request, RequestContext context) {
        long started = System.nanoTime();
        // The method as a label only when this server knows it: a client's made-up method names stay out of metrics.
        String method = handlers.containsKey(request.method()) ? request.method() : "unknown";
        Span span = tracing.start(method, SpanKind.SERVER);
        span.setAttribute("rpc.system", "jsonrpc");
        span.setAttribute("rpc.method", method);
        span.setAttribute("conduit.transport", context.session().transport());
        span.setAttribute("conduit.correlation_id", context.correlationId());
        JsonRpcResponse response;
        try (Scope _ = span.makeCurrent()) {
            response = byEra(request, context);
        }
        String outcome = response instanceof JsonRpcResponse.Failure failure
                ? Outcome.ofCode(failure.error().code()).requestLabel() : Outcome.OK.requestLabel();
        Tracing.end(span, outcome);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.request(context.session().transport(), method, outcome, took);
        EventLog.request(context, method, outcome, took);
        return response;
    }

    /**
     * A request whose {@code _meta} names a protocol version is of the modern era (2026-07-28) and is served as such,
     * without any session state; any other is of the legacy era and is served in its session.
     */
    private JsonRpcResponse byEra(JsonRpcRequest request, RequestContext context) {
        Optional<String> version = ModernEra.version(request);
        if (version.isEmpty()) {
            return answer(request, context);
        }
        Optional<JsonRpcError> refused = modern.refusal(request, version.get());
        if (refused.isPresent()) {
            return JsonRpcResponse.failure(request.id(), refused.get());
        }
        RequestContext stateless = modern.context(request, context);
        if (request.method().equals(McpMethods.TOOLS_CALL) && ClientTasks.declared(stateless)
            && tasks.serves(request)) {
            // A client of the tasks extension: a long call, or one its upstream made a task of, becomes a task.
            try {
                return modern.finish(request, tasks.serveModern(request, stateless, c -> answer(request, c)));
            } catch (RuntimeException e) {
                return JsonRpcResponse.failure(request.id(), ErrorMapper.toError(e, context.correlationId()));
            }
        }
        if (InputRounds.METHODS.contains(request.method())) {
            return modern.finish(request, inputRounds.serve(request, stateless, c -> answer(request, c)));
        }
        return modern.finish(request, answer(request, stateless));
    }

    private JsonRpcResponse answer(JsonRpcRequest request, RequestContext context) {
        if (rateLimiter.acquire(context.principal().id(), RateLimiter.Kind.REQUESTS)
                instanceof RateLimiter.Limited limited) {
            metrics.rateLimited(RateLimiter.Kind.REQUESTS);
            return JsonRpcResponse.failure(request.id(), RateLimitErrors.of(RateLimiter.Kind.REQUESTS,
                                                                            context.principal().id(),
                                                                            limited.retryAfter()));
        }
        MethodHandler handler = handlers.get(request.method());
        if (handler == null) {
            return JsonRpcResponse.failure(request.id(), JsonRpcError.methodNotFound(request.method()));
        }
        if (request.method().equals(McpMethods.TOOLS_CALL) && ClientTasks.asked(request, context)) {
            try {
                // Answered at once; the call runs on as a task, cancelled by tasks/cancel (not by its request's id).
                return JsonRpcResponse.success(request.id(), tasks.start(request, context,
                        taskContext -> perform(handler, request, taskContext)));
            } catch (RuntimeException e) {
                return JsonRpcResponse.failure(request.id(), ErrorMapper.toError(e, context.correlationId()));
            }
        }
        String key = inFlightKey(context.session().id(), request.id().toString());
        inFlight.put(key, context.cancellation());
        if (earlyCancels.remove(key) != null) {
            // Pipelined on the line protocol, the cancellation can arrive before its request got this far.
            context.cancellation().cancel();
        }
        try {
            return perform(handler, request, context);
        } finally {
            inFlight.remove(key, context.cancellation());
        }
    }

    /** Serves {@code request}, cancelled with the rest at shutdown; any failure becomes its JSON-RPC error. */
    private JsonRpcResponse perform(MethodHandler handler, JsonRpcRequest request, RequestContext context) {
        running.add(context.cancellation());
        try {
            if (shutdown) {
                // Admitted by a transport, but the grace period is over: answer at once instead of starting work.
                context.cancellation().cancel(Cancellation.SHUTDOWN);
            }
            return JsonRpcResponse.success(request.id(), handler.handle(request, context));
        } catch (RuntimeException e) {
            return JsonRpcResponse.failure(request.id(), ErrorMapper.toError(e, context.correlationId()));
        } finally {
            running.remove(context.cancellation());
        }
    }

    /**
     * Ends the shutdown's grace period: every request still running is cancelled with {@link Cancellation#SHUTDOWN},
     * so that it answers within moments (an execution with -32000 and its partial output, queued executions without
     * starting) instead of losing its connection with no answer. Requests that arrive later are cancelled as they start.
     */
    public void cancelAll() {
        endSubscriptions();
        shutdown = true;
        running.forEach(cancellation -> cancellation.cancel(Cancellation.SHUTDOWN));
        tasks.cancelAll(Cancellation.SHUTDOWN);
    }

    /**
     * Ends every {@code subscriptions/listen} stream (their requests answer at once): a shutdown must not wait out its
     * grace period for streams that never end by themselves.
     */
    public void endSubscriptions() {
        subscriptions.endAll();
    }

    /** Requests running now, for the shutdown's log line. */
    public int running() {
        return running.size();
    }

    /**
     * A cancellation for a request not (yet) running: kept a little while in case the request is still on its way
     * (the line protocol reads the next line before the request's thread has registered), bounded in number and age.
     */
    private void rememberEarlyCancel(String key) {
        long now = System.nanoTime();
        earlyCancels.values().removeIf(at -> now - at > EARLY_CANCEL_NANOS);
        if (earlyCancels.size() < MAX_EARLY_CANCELS) {
            earlyCancels.put(key, now);
        }
    }

    private static String inFlightKey(String sessionId, String requestId) {
        return sessionId + "\u0000" + requestId;
    }

    private void onNotification(JsonRpcNotification notification, RequestContext context) {
        switch (notification.method()) {
            case McpMethods.INITIALIZED -> context.session().markInitialized();
            case McpMethods.CANCELLED -> {
                JsonNode requestId = notification.params().path("requestId");
                if (requestId.isString() || requestId.isIntegralNumber()) {
                    String id = requestId.isString() ? "\"" + requestId.stringValue() + "\"" : requestId.asString();
                    String key = inFlightKey(context.session().id(), id);
                    Cancellation cancellation = inFlight.get(key);
                    if (cancellation != null) {
                        LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] request " + id + " cancelled");
                        cancellation.cancel();
                    } else {
                        rememberEarlyCancel(key);
                        // The request may have registered between the two looks: it checked for an early cancel
                        // before this one was remembered, so cancel it here (the second look of the two always sees
                        // the other side's write; cancelling twice is harmless).
                        Cancellation late = inFlight.get(key);
                        if (late != null && earlyCancels.remove(key) != null) {
                            late.cancel();
                        }
                    }
                }
            }
            default -> LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] ignored notification "
                                                     + notification.method());
        }
    }

    /** Builds an {@link McpServer}. */
    public static final class Builder {
        private ServerInfo serverInfo = ServerInfo.current();
        private ToolCatalog catalog = ToolCatalog.empty();
        private UpstreamFeatures features = UpstreamFeatures.none();
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxToolArgumentBytes = DEFAULT_TOOL_ARGUMENT_BYTES;
        private boolean strictValidation;
        private Optional<ExecutorRegistry> executors = Optional.empty();
        private ExecutionLimitsPolicy executionLimits = new ExecutionLimitsPolicy(ExecutionLimitsPolicy.DEFAULTS,
                                                                                  ExecutionLimitsPolicy.CAPS);
        private ExecutorsConfig executorsConfig = ExecutorsConfig.standard();
        private RateLimiter rateLimiter = new TokenBuckets(RateLimits.none());
        private Optional<byte[]> clusterSecret = Optional.empty();
        private AuditTrail audit = new AuditTrail(AuditSettings.defaults());
        private Optional<MeterRegistry> meters = Optional.empty();
        private Tracing tracing = Tracing.noop();
        private ClientRequests clientRequests = new ClientRequests();

        private Builder() {
        }

        /**
         * Where this server's requests to clients wait for their answers: the same instance the upstreams relay
         * sampling and elicitation through. A private one by default.
         */
        public Builder clientRequests(ClientRequests value) {
            this.clientRequests = Objects.requireNonNull(value);
            return this;
        }

        /** Enables Code Mode with these engines, limits and guest threads. */
        public Builder executions(ExecutorRegistry registry, ExecutionLimitsPolicy limits, ExecutorsConfig config) {
            this.executors = Optional.of(Objects.requireNonNull(registry, "registry"));
            this.executionLimits = Objects.requireNonNull(limits, "limits");
            this.executorsConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** How the server's spans are made; none by default. */
        public Builder tracing(Tracing value) {
            this.tracing = Objects.requireNonNull(value);
            return this;
        }

        /** Where the server's meters go; by default the registry Helidon's service registry gives. */
        public Builder meters(MeterRegistry value) {
            this.meters = Optional.of(value);
            return this;
        }

        /** Where audit records of executions and direct tool calls go; the log by default. */
        public Builder audit(AuditTrail value) {
            this.audit = Objects.requireNonNull(value);
            return this;
        }

        /** Rate limits per principal for requests, executions and programs' tool calls; none by default. */
        public Builder rateLimiter(RateLimiter value) {
            this.rateLimiter = Objects.requireNonNull(value);
            return this;
        }

        /**
         * The replicas' shared secret ({@code cluster.secret}): a 2026-07-28 {@code requestState} another replica
         * issued then verifies here, and its request runs again with the client's answers.
         */
        public Builder clusterSecret(Optional<byte[]> value) {
            this.clusterSecret = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Strict mode refuses tools an upstream did not list and tools without a usable input schema; permissive
         * mode (the default) forwards them unchecked.
         */
        public Builder strictValidation(boolean value) {
            this.strictValidation = value;
            return this;
        }

        /** How the server introduces itself. */
        public Builder serverInfo(ServerInfo value) {
            this.serverInfo = Objects.requireNonNull(value, "serverInfo");
            return this;
        }

        /** The upstreams' resources, templates and prompts to pass through; none by default. */
        public Builder features(UpstreamFeatures value) {
            this.features = Objects.requireNonNull(value, "features");
            return this;
        }

        /** The tools to serve. */
        public Builder catalog(ToolCatalog value) {
            this.catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /**
         * The largest arguments, in bytes of JSON, that a call may pass to an upstream tool (directly or from a
         * program); larger ones are refused with -32602 before the upstream sees them.
         */
        public Builder maxToolArgumentBytes(int value) {
            if (value < 2) {
                throw new IllegalArgumentException("max tool argument bytes must be >= 2: " + value);
            }
            this.maxToolArgumentBytes = value;
            return this;
        }

        /** Tools per {@code tools/list} page, 1 to 1000. */
        public Builder pageSize(int value) {
            if (value < 1 || value > 1000) {
                throw new IllegalArgumentException("page size must be between 1 and 1000: " + value);
            }
            this.pageSize = value;
            return this;
        }

        /** The server. */
        public McpServer build() {
            return new McpServer(this);
        }
    }
}
