package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpParamHeaders;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.ErrorCodes;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One configured upstream: connects on first use (the 2026-07-28 era when its {@code server/discover} offers it, else
 * the {@code initialize} handshake of the 2025 era), keeps its tool list for the cache TTL,
 * relays progress of calls back to the client that asked, relays its sampling and elicitation requests to the client
 * whose request caused them, and reconnects after a crash, at once the first time and then with a growing delay
 * (0.5 s doubling up to 30 s) while it keeps failing. Thread-safe.
 */
final class Upstream implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Upstream.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FAILED_LISTING_RETRY = Duration.ofSeconds(5);
    private static final int MAX_PAGES = 100;
    private static final int MAX_REPEATS_NAMED = 5;
    /** How long the server/discover probe may take before an upstream counts as one of the 2025 era. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** Opens a connection whose notifications go to the given listener. */
    @FunctionalInterface
    interface Connector {
        McpConnection open(McpConnection.Listener listener) throws UpstreamException;
    }

    /** The last known state of the upstream, for health details. */
    enum State { IDLE, UP, DOWN }

    /** A tool list, when it was fetched, and whether the upstream has said since that it changed. */
    record Listing(List<ObjectNode> tools, long fetchedNanos, boolean failed, boolean changed) {
        Listing(List<ObjectNode> tools, long fetchedNanos, boolean failed) {
            this(tools, fetchedNanos, failed, false);
        }
    }

    private record ProgressRoute(JsonNode clientToken, ClientChannel channel) {
    }

    /** Where an upstream's messages for clients go: requests to ask them, notifications no request claims. */
    record Relay(ClientRequests requests, Consumer<JsonRpcNotification> unclaimed) {
    }

    private final UpstreamConfig config;
    private final Connector connector;
    private final String clientVersion;
    private final Consumer<String> onListChanged;
    private final Relay relay;
    /** The most verbose log level any client asked for, sent to every connection (clients are filtered here). */
    private volatile Optional<LogLevel> logLevel = Optional.empty();
    private final Tracing tracing;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ProgressRoute> progressRoutes = new ConcurrentHashMap<>();
    private final AtomicLong progressIds = new AtomicLong();
    private McpConnection connection;
    private int failures;
    private long retryAtNanos;
    private volatile State state = State.IDLE;
    /** Connections opened so far; every one after the first is a restart. */
    private final AtomicLong connections = new AtomicLong();
    private volatile String lastError = "";
    private volatile Listing listing;
    /** What the upstream declared in {@code initialize}; empty until it has been initialized. */
    private volatile ObjectNode capabilities = Json.object();
    /** The questions the upstream asked as tasks (2025-11-25). */
    private final ReceiverTasks receiverTasks = new ReceiverTasks();
    /** The listen streams of a modern upstream: list changes and clients' resource subscriptions. */
    private final ListenStreams listen;
    /** Set at shutdown, under the lock: no connection is opened after it. */
    private boolean closed;

    Upstream(UpstreamConfig config, Connector connector, String clientVersion, Consumer<String> onListChanged,
             Relay relay, Tracing tracing) {
        this.tracing = tracing;
        this.relay = relay;
        this.config = config;
        this.connector = connector;
        this.clientVersion = clientVersion;
        this.onListChanged = onListChanged;
        this.listen = new ListenStreams(config.id(), config.timeout());
    }

    String id() {
        return config.id();
    }

    UpstreamConfig config() {
        return config;
    }

    State state() {
        return state;
    }

    String lastError() {
        return lastError;
    }

    /** Whether the tool list must be fetched (never fetched, TTL passed, or a failed fetch due for a retry). */
    boolean listingStale(long nowNanos) {
        Listing current = listing;
        if (current == null || current.changed()) {
            return true;
        }
        Duration ttl = current.failed() ? FAILED_LISTING_RETRY : config.cacheTtl();
        return nowNanos - current.fetchedNanos() >= ttl.toNanos();
    }

    /** The input schema of tool {@code name} as the upstream last listed it. */
    private Optional<JsonNode> inputSchema(String name) {
        return listed(name).map(tool -> tool.path("inputSchema"));
    }

    /** Tool {@code name} as the upstream last listed it. */
    private Optional<ObjectNode> listed(String name) {
        return listing().flatMap(current -> current.tools().stream()
                .filter(tool -> tool.path("name").asString("").equals(name)).findFirst());
    }

    /** Whether a call of tool {@code name} goes as a task: the upstream runs it no other way (2025 era only). */
    private boolean runsAsTask(String name, McpConnection live) {
        return !(live instanceof ModernConnection) && ToolTasks.offered(capabilities)
               && listed(name).filter(ToolTasks::required).isPresent();
    }

    /** The cached listing, if any. */
    Optional<Listing> listing() {
        return Optional.ofNullable(listing);
    }

    /** Fetches every page of the upstream's tools and caches them; a failure is cached briefly and rethrown. */
    List<ObjectNode> refreshTools() throws UpstreamException {
        try {
            List<ObjectNode> tools = withValidHeaders(pages(McpMethods.TOOLS_LIST, "tools", "name"));
            listing = new Listing(List.copyOf(tools), System.nanoTime(), false);
            reached();
            return tools;
        } catch (UpstreamException e) {
            listing = new Listing(List.of(), System.nanoTime(), true);
            unreachable(e);
            throw e;
        }
    }

    /**
     * Every page of a list method's items ({@code resources/list}, ...), each an object with the string member
     * {@code key}; empty when the upstream did not declare {@code capability}.
     */
    List<ObjectNode> list(String method, String field, String key, String capability) throws UpstreamException {
        try {
            connection(); // initialized: its capabilities are known
            if (!capabilities.has(capability)) {
                return List.of();
            }
            List<ObjectNode> items = pages(method, field, key);
            reached();
            return items;
        } catch (UpstreamException e) {
            unreachable(e);
            throw e;
        }
    }

    /**
     * {@code items} with each {@code key} once, the first listed kept: a name listed twice (a server's mistake, or
     * pages that overlap) could otherwise be served as either. Said once per listing, in the log.
     */
    private List<ObjectNode> distinct(String method, String key, List<ObjectNode> items) {
        Set<String> seen = new HashSet<>();
        List<String> repeated = new ArrayList<>();
        List<ObjectNode> kept = new ArrayList<>(items.size());
        for (ObjectNode item : items) {
            if (seen.add(item.get(key).stringValue())) {
                kept.add(item);
            } else if (repeated.size() < MAX_REPEATS_NAMED) {
                repeated.add(item.get(key).toString()); // quoted and escaped: the names are the upstream's
            }
        }
        if (kept.size() < items.size()) {
            LOGGER.log(Level.WARNING, "upstream '" + id() + "' answered " + method + " with " + (items.size()
                    - kept.size()) + " item(s) whose " + key + " it had already listed (" + String.join(", ", repeated)
                    + (items.size() - kept.size() > repeated.size() ? ", ..." : "") + "); the first of each is used");
        }
        return kept;
    }

    /**
     * {@code tools} without those whose {@code inputSchema} marks a parameter for a header ({@code x-mcp-header})
     * against the rules (an empty or non-token name, one repeated, one on a property that is not a string, integer
     * or boolean): 2026-07-28 says a client must not call such a tool. Said once per listing, in the log.
     */
    private List<ObjectNode> withValidHeaders(List<ObjectNode> tools) {
        List<ObjectNode> kept = new ArrayList<>(tools.size());
        List<String> left = new ArrayList<>();
        for (ObjectNode tool : tools) {
            if (McpParamHeaders.valid(tool.path("inputSchema"))) {
                kept.add(tool);
            } else {
                left.add(tool.get("name").toString()); // quoted and escaped: the names are the upstream's
            }
        }
        if (!left.isEmpty()) {
            LOGGER.log(Level.WARNING, "upstream '" + id() + "' lists " + left.size() + " tool(s) whose x-mcp-header "
                    + "annotations break the rules (" + String.join(", ", left.subList(0, Math.min(left.size(),
                    MAX_REPEATS_NAMED))) + (left.size() > MAX_REPEATS_NAMED ? ", ..." : "") + "); they are left out: "
                    + "a header name must be a non-empty token, unique ignoring case, on a string, integer or boolean");
        }
        return kept;
    }

    private List<ObjectNode> pages(String method, String field, String key) throws UpstreamException {
        McpConnection live = connection();
        List<ObjectNode> items = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode params = Json.object();
            cursor.ifPresent(value -> params.put("cursor", value));
            JsonNode result = result(live.request(method, params, config.timeout()), method);
            result.path(field).forEach(item -> {
                if (item instanceof ObjectNode object && object.path(key).isString()) {
                    items.add(object);
                }
            });
            JsonNode next = result.path("nextCursor");
            if (!next.isString() || next.stringValue().isEmpty()) {
                return distinct(method, key, items);
            }
            cursor = Optional.of(next.stringValue());
        }
        throw new UpstreamException("upstream '" + id() + "' listed more than " + MAX_PAGES + " pages of " + field);
    }

    /**
     * Sends {@code method} with {@code params} as they are (a resource read, a prompt): the upstream's result object.
     *
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     * @throws RpcException      when the upstream answers with a JSON-RPC error (passed on as it is)
     */
    ObjectNode forward(String method, ObjectNode params, RequestContext context) throws UpstreamException {
        boolean subscription = method.equals(McpMethods.RESOURCES_SUBSCRIBE)
                               || method.equals(McpMethods.RESOURCES_UNSUBSCRIBE);
        if (subscription && connection(context) instanceof ModernConnection modern) {
            return exchange(method, () -> listenFor(modern, method, params.path("uri").asString("")));
        }
        return exchange(method, () -> {
            ObjectNode sent = params.deepCopy();
            Tracing.traceparent().ifPresent(parent -> {
                ObjectNode meta = sent.get("_meta") instanceof ObjectNode existing ? existing : sent.putObject("_meta");
                meta.put("traceparent", parent);
            });
            JsonNode result = result(connection(context).request(method, sent, config.timeout(), Optional.of(context)),
                                     method);
            if (!(result instanceof ObjectNode object)) {
                throw new UpstreamException("upstream '" + id() + "' answered " + method + " without a result object");
            }
            return object;
        });
    }

    /**
     * A client's {@code resources/subscribe} or {@code unsubscribe} to an upstream of the 2026-07-28 era, which has
     * neither: the gateway's resource stream to it carries the resource from the upstream's acknowledgement on.
     */
    private ObjectNode listenFor(ModernConnection modern, String method, String uri) throws UpstreamException {
        if (!capabilities.path("resources").path("subscribe").asBoolean(false)) {
            throw new RpcException(Outcome.METHOD_NOT_FOUND.error("Method not found: upstream '" + id()
                    + "' does not offer resource subscriptions (its capabilities have no resources.subscribe)"));
        }
        if (method.equals(McpMethods.RESOURCES_SUBSCRIBE)) {
            listen.subscribe(modern, uri);
        } else {
            listen.unsubscribe(modern, uri);
        }
        return Json.object();
    }

    /** One request of the client's to this upstream: a client span around it, and health from how it went. */
    private ObjectNode exchange(String method, Exchange work) throws UpstreamException {
        Span span = tracing.start("upstream " + id() + " " + method, SpanKind.CLIENT);
        span.setAttribute("conduit.upstream", id());
        span.setAttribute("rpc.method", method);
        try (Scope _ = span.makeCurrent()) {
            ObjectNode result = work.run();
            Tracing.end(span, "ok");
            reached();
            return result;
        } catch (UpstreamException e) {
            Tracing.end(span, "failed");
            unreachable(e);
            throw e;
        } catch (RuntimeException e) {
            Tracing.end(span, "failed");
            throw e;
        }
    }

    @FunctionalInterface
    private interface Exchange {
        ObjectNode run() throws UpstreamException;
    }

    /**
     * Health follows what the last exchange showed, not only whether a connection is open: a connection that is up but
     * whose calls fail (an HTTP server that lost our session, a child that stopped reading) is reported down with
     * the reason, and up again after the next success.
     */
    private void unreachable(UpstreamException e) {
        state = State.DOWN;
        if (!e.isBackingOff()) {
            lastError = e.getMessage(); // a backoff refusal quotes the last error; it is not a new one
        }
    }

    private void reached() {
        state = State.UP;
        lastError = "";
    }

    /**
     * Calls tool {@code name} for the client of {@code context}, relaying progress to it when it sent a progress token.
     *
     * @return the upstream's {@code CallToolResult}
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     * @throws RpcException      when the upstream answers with a JSON-RPC error (passed on as it is)
     */
    ObjectNode callTool(String name, ObjectNode arguments, Optional<JsonNode> progressToken, RequestContext context)
            throws UpstreamException {
        return exchange(McpMethods.TOOLS_CALL, () -> send(name, arguments, progressToken, context));
    }

    private ObjectNode send(String name, ObjectNode arguments, Optional<JsonNode> progressToken,
                            RequestContext context) throws UpstreamException {
        McpConnection live = connection(context);
        ObjectNode params = Json.object();
        params.put("name", name);
        params.set("arguments", arguments);
        // W3C trace context in _meta for every upstream (stdio has no headers); HTTP upstreams get the header too.
        Tracing.traceparent().ifPresent(parent -> params.putObject("_meta").put("traceparent", parent));
        Optional<String> route = progressToken.map(token -> {
            // Our own token towards the upstream: two clients may use the same token value at the same time.
            String ours = "conduit-" + progressIds.incrementAndGet();
            progressRoutes.put(ours, new ProgressRoute(token, context.channel()));
            ObjectNode meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
            meta.put("progressToken", ours);
            return ours;
        });
        try {
            if (runsAsTask(name, live)) {
                return ToolTasks.call(id(), (method, sent, timeout, cause) -> result(live.request(method, sent,
                        timeout, cause), method), params, config.timeout(), context);
            }
            JsonNode result = result(live.request(McpMethods.TOOLS_CALL, params, config.timeout(),
                                                  Optional.of(context)), McpMethods.TOOLS_CALL);
            if (!(result instanceof ObjectNode object)) {
                throw new UpstreamException("upstream '" + id() + "' answered tools/call without a result object");
            }
            return object;
        } finally {
            route.ifPresent(progressRoutes::remove);
        }
    }

    private JsonNode result(JsonRpcResponse response, String method) {
        return switch (response) {
            case JsonRpcResponse.Success success -> success.result();
            case JsonRpcResponse.Failure failure -> throw new RpcException(JsonRpcError.of(failure.error().code(),
                    "upstream '" + id() + "' answered " + method + " with: " + failure.error().message()));
        };
    }

    /** How many times the upstream was started again after its first connection ended or failed. */
    long restarts() {
        return Math.max(0, connections.get() - 1);
    }

    /** {@link #connection()}, telling the client of {@code context} when the upstream had to be started again for it. */
    private McpConnection connection(RequestContext context) throws UpstreamException {
        long before = connections.get();
        McpConnection live = connection();
        if (before > 0 && connections.get() > before) {
            context.log(LogLevel.NOTICE, "conduit", "upstream '" + id() + "' was restarted for this request");
        }
        return live;
    }

    /** The live connection, opening (and initializing) one if needed and allowed by the backoff. */
    McpConnection connection() throws UpstreamException {
        lock.lock();
        try {
            if (closed) {
                // The server is stopping: never start a child it would then leave behind.
                throw new UpstreamException("upstream '" + id() + "' is shut down with the server");
            }
            if (connection != null) {
                if (connection.alive()) {
                    return connection;
                }
                connection.close();
                connection = null;
                stopListening();
                receiverTasks.cancelAll("the upstream's connection was lost");
                failures++;
                retryAtNanos = System.nanoTime() + backoff(failures).toNanos();
                state = State.DOWN;
                LOGGER.log(Level.WARNING, "upstream '" + id() + "' connection lost; reconnecting on next use");
            }
            long wait = retryAtNanos - System.nanoTime();
            if (wait > 0) {
                throw UpstreamException.backingOff("upstream '" + id() + "' is down (" + lastError
                                                   + "); next attempt in " + Duration.ofNanos(wait).toMillis() + " ms");
            }
            try {
                McpConnection.Listener listener = new McpConnection.Listener() {
                    @Override
                    public void onNotification(JsonRpcNotification notification, Optional<RequestContext> cause) {
                        Upstream.this.onNotification(notification, cause);
                    }

                    @Override
                    public JsonRpcResponse onRequest(JsonRpcRequest request, Optional<RequestContext> cause) {
                        return ask(request, cause);
                    }

                    @Override
                    public boolean waitingForClient(RequestContext cause) {
                        return relay.requests().asking(cause);
                    }
                };
                McpConnection opened = connector.open(listener);
                try {
                    opened = handshake(opened, listener);
                } catch (UpstreamException | RuntimeException e) {
                    opened.close();
                    throw e;
                }
                connection = opened;
                if (opened instanceof ModernConnection modern) {
                    listen.attach(modern, capabilities);
                }
                state = State.UP;
                lastError = "";
                failures = 0;
                if (connections.getAndIncrement() > 0) {
                    LOGGER.log(Level.INFO, "upstream '" + id() + "' restarted");
                }
                return opened;
            } catch (UpstreamException | RuntimeException e) {
                failures++;
                retryAtNanos = System.nanoTime() + backoff(failures).toNanos();
                state = State.DOWN;
                lastError = e.getMessage();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles the era of a new connection (see {@link UpstreamConfig.Protocol}): {@code server/discover} first, and the
     * 2026-07-28 era when the upstream offers it; otherwise {@code initialize}, on a new connection if the probe ended
     * this one (a stdio server may exit on a method it does not know).
     *
     * @return the connection to use: {@code opened}, {@code opened} framed for the modern era, or its replacement
     */
    private McpConnection handshake(McpConnection opened, McpConnection.Listener listener) throws UpstreamException {
        boolean sseTransport = config.transport() instanceof UpstreamConfig.Http http && http.legacySse();
        if (config.protocol() == UpstreamConfig.Protocol.LEGACY
            || config.protocol() == UpstreamConfig.Protocol.AUTO && sseTransport) {
            initialize(opened); // the 2026 era has no HTTP+SSE transport
            return opened;
        }
        ModernConnection.Asker asker = new ModernConnection.Asker() {
            @Override
            public List<JsonRpcResponse> ask(List<JsonRpcRequest> questions, Optional<RequestContext> cause) {
                return askAll(questions, cause);
            }

            @Override
            public void taskStarted(Optional<RequestContext> cause) {
                cause.ifPresent(relay.requests()::upstreamTaskStarted);
            }
        };
        ModernConnection modern = new ModernConnection(id(), opened, clientVersion, relayed(), asker,
                                                       this::inputSchema);
        String refusal;
        try {
            Duration probe = config.timeout().compareTo(PROBE_TIMEOUT) < 0 ? config.timeout() : PROBE_TIMEOUT;
            // On the wire as it is: the probe's result names the upstream, which ModernConnection leaves out for clients.
            JsonRpcResponse probed = opened.request(McpMethods.SERVER_DISCOVER,
                                                    modern.framed(Json.object(), Optional.empty()), probe);
            if (offersModernAfterAll(probed) && opened.alive()) {
                // Refused as of a version it says it supports (a server may refuse a first request): asked once more.
                probed = opened.request(McpMethods.SERVER_DISCOVER, modern.framed(Json.object(), Optional.empty()),
                                        probe);
            }
            refusal = switch (probed) {
                case JsonRpcResponse.Success success when offersModern(success.result()) -> {
                    capabilities = success.result().path("capabilities") instanceof ObjectNode declared
                            ? declared : Json.object();
                    JsonNode info = success.result().path("_meta").path(McpMeta.SERVER_INFO);
                    LOGGER.log(Level.INFO, "upstream '" + id() + "' discovered: " + info.path("name")
                            .asString("unnamed") + " " + info.path("version").asString("") + ", protocol "
                                           + ProtocolVersion.V2026_07_28.wire());
                    yield "";
                }
                case JsonRpcResponse.Success success -> "its server/discover does not list "
                                                        + ProtocolVersion.V2026_07_28.wire();
                case JsonRpcResponse.Failure failure -> "it answered server/discover with "
                                                        + failure.error().code() + " " + failure.error().message();
            };
        } catch (UpstreamException e) {
            refusal = e.getMessage();
        }
        if (refusal.isEmpty()) {
            return modern;
        }
        if (config.protocol() == UpstreamConfig.Protocol.MODERN) {
            throw new UpstreamException("upstream '" + id() + "' does not speak protocol version "
                                        + ProtocolVersion.V2026_07_28.wire() + " (" + refusal + "); its config says "
                                        + "protocol: modern (auto would fall back to initialize)");
        }
        String reason = refusal;
        LOGGER.log(Level.DEBUG, () -> "upstream '" + id() + "' is of the 2025 era: " + reason);
        if (opened.alive()) {
            initialize(opened);
            return opened;
        }
        opened.close();
        McpConnection again = connector.open(listener);
        try {
            initialize(again);
            return again;
        } catch (UpstreamException | RuntimeException e) {
            again.close();
            throw e;
        }
    }

    /** Whether {@code probed} refused the probe's version (-32022) while listing it among those supported. */
    private static boolean offersModernAfterAll(JsonRpcResponse probed) {
        return probed instanceof JsonRpcResponse.Failure failure
               && failure.error().code() == ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION
               && failure.error().data().map(data -> offersModern(Json.object().set("supportedVersions",
                                                                                     data.path("supported"))))
                       .orElse(false);
    }

    private static boolean offersModern(JsonNode discovered) {
        for (JsonNode version : discovered.path("supportedVersions")) {
            if (version.asString("").equals(ProtocolVersion.V2026_07_28.wire())) {
                return true;
            }
        }
        return false;
    }

    private void initialize(McpConnection opened) throws UpstreamException {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersion.latest().wire());
        // What the gateway relays to its clients (and refuses clearly when the client in question did not declare it).
        ObjectNode capabilities = params.putObject("capabilities");
        relayed().forEach(capabilities::putObject);
        capabilities.set("tasks", ReceiverTasks.capability()); // its questions may come as tasks
        ObjectNode info = params.putObject("clientInfo");
        info.put("name", "conduit-gateway");
        info.put("version", clientVersion);
        JsonNode result = result(opened.request(McpMethods.INITIALIZE, params, config.timeout()),
                                 McpMethods.INITIALIZE);
        String version = result.path("protocolVersion").asString("");
        if (ProtocolVersion.fromWire(version).isEmpty() && !version.equals("2024-11-05")) {
            throw new UpstreamException("upstream '" + id() + "' speaks MCP protocol version '" + version
                                        + "', which Conduit does not");
        }
        this.capabilities = result.path("capabilities") instanceof ObjectNode declared ? declared : Json.object();
        opened.notify(McpMethods.INITIALIZED, Json.object());
        if (this.capabilities.has("logging")) {
            logLevel.ifPresent(level -> sendLevel(opened, level)); // a new connection starts at the server's default
        }
        LOGGER.log(Level.INFO, "upstream '" + id() + "' initialized: " + result.path("serverInfo").path("name")
                .asString("unnamed") + " " + result.path("serverInfo").path("version").asString("") + ", protocol "
                               + version);
    }

    private void onNotification(JsonRpcNotification notification, Optional<RequestContext> cause) {
        switch (notification.method()) {
            case McpMethods.PROGRESS -> relayProgress(notification);
            case McpMethods.TOOLS_LIST_CHANGED -> {
                // Fetched again before it is served, but kept meanwhile: dropped, a change told just as the first
                // list arrived (server-everything tells one right after initialize) left the upstream's tools out of
                // the listing that waited for them.
                Listing known = listing;
                listing = known == null ? null : new Listing(known.tools(), known.fetchedNanos(), known.failed(), true);
                onListChanged.accept(notification.method());
            }
            case McpMethods.RESOURCES_LIST_CHANGED, McpMethods.PROMPTS_LIST_CHANGED ->
                    onListChanged.accept(notification.method());
            case McpMethods.MESSAGE -> relayLog(notification, cause);
            case McpMethods.RESOURCES_UPDATED -> relay.unclaimed().accept(withoutSubscriptionId(notification));
            case McpMethods.SUBSCRIPTIONS_ACKNOWLEDGED -> listen.acknowledged(notification.params());
            default -> LOGGER.log(Level.DEBUG, () -> "upstream '" + id() + "' sent " + notification.method());
        }
    }

    /**
     * An upstream's log message, its logger prefixed with the upstream's id: to the client whose request it belongs
     * to, or (belonging to none) to every client that asked for messages of its level.
     */
    private void relayLog(JsonRpcNotification notification, Optional<RequestContext> cause) {
        if (!(notification.params() instanceof ObjectNode params)) {
            return;
        }
        ObjectNode relayed = params.deepCopy();
        String logger = params.path("logger").asString("");
        relayed.put("logger", logger.isEmpty() ? id() : id() + "/" + logger);
        JsonRpcNotification message = new JsonRpcNotification(McpMethods.MESSAGE, relayed);
        if (cause.isPresent()) {
            LogLevel level = LogLevel.fromWireName(params.path("level").asString("")).orElse(LogLevel.INFO);
            if (cause.get().session().wants(level)) {
                cause.get().channel().send(message);
            }
        } else {
            relay.unclaimed().accept(message);
        }
    }

    /**
     * Passes a client's {@code logging/setLevel} on when it asks for more than the upstream sends now: the
     * connection is shared by every client, so the upstream sends at the most verbose level any client asked for and
     * each client gets only what it asked for.
     */
    void logLevel(LogLevel requested) {
        McpConnection live;
        lock.lock();
        try {
            if (logLevel.filter(current -> current.compareTo(requested) <= 0).isPresent()) {
                return;
            }
            logLevel = Optional.of(requested);
            live = connection; // not opened for this: a connection opened later is told when it initializes
        } finally {
            lock.unlock();
        }
        // A modern upstream has no logging/setLevel: each request carries its client's level.
        if (live != null && live.alive() && capabilities.has("logging") && !(live instanceof ModernConnection)) {
            sendLevel(live, requested);
        }
    }

    private void sendLevel(McpConnection live, LogLevel level) {
        ObjectNode params = Json.object();
        params.put("level", level.wireName());
        Thread.ofVirtual().name("upstream-" + id() + "-level").start(() -> {
            try {
                live.request(McpMethods.LOGGING_SET_LEVEL, params, config.timeout());
            } catch (UpstreamException e) {
                LOGGER.log(Level.DEBUG, "upstream '" + id() + "' did not take the log level: " + e.getMessage());
            }
        });
    }

    /** What the upstream declared when it was initialized, connecting it first if it is not. */
    ObjectNode capabilities() throws UpstreamException {
        connection();
        return capabilities;
    }

    /**
     * The upstream asks its client something (a 2025-era server request): sampling and elicitation (and roots, with
     * {@code relay-roots}) go to the client whose request caused them, and its answer comes back as it is; anything
     * else, or a client that did not declare the capability, is refused with -32601 and a reason the upstream can log.
     */
    private JsonRpcResponse ask(JsonRpcRequest request, Optional<RequestContext> cause) {
        if (ReceiverTasks.handles(request.method())) {
            return receiverTasks.handle(request); // about a question it asked as a task
        }
        Optional<JsonRpcError> refused = refusal(request.method(), cause);
        if (refused.isPresent()) {
            return JsonRpcResponse.failure(request.id(), refused.get());
        }
        ObjectNode params = request.params() instanceof ObjectNode object ? ToolTasks.forClient(object) : Json.object();
        if (ReceiverTasks.asked(request)) {
            ObjectNode question = ReceiverTasks.withoutTask(params);
            return receiverTasks.start(request, cause.orElseThrow(), own -> relay.requests().ask(own,
                    request.method(), question, config.timeout()));
        }
        return switch (relay.requests().ask(cause.orElseThrow(), request.method(), params, config.timeout())) {
            case JsonRpcResponse.Success success -> JsonRpcResponse.success(request.id(), success.result());
            case JsonRpcResponse.Failure failure -> JsonRpcResponse.failure(request.id(), failure.error());
        };
    }

    /**
     * A 2026 upstream's {@code inputRequests} (each a request whose id is its key), asked of the client of
     * {@code cause} all at once; the answers in their order. One that cannot be asked refuses the whole batch.
     */
    private List<JsonRpcResponse> askAll(List<JsonRpcRequest> questions, Optional<RequestContext> cause) {
        for (JsonRpcRequest question : questions) {
            Optional<JsonRpcError> refused = refusal(question.method(), cause);
            if (refused.isPresent()) {
                return questions.stream().map(each -> JsonRpcResponse.failure(each.id(), refused.get())).toList();
            }
        }
        List<ClientRequests.Question> asked = questions.stream().map(question -> new ClientRequests.Question(
                Optional.of(question.id()).filter(JsonRpcId.Str.class::isInstance).map(id -> ((JsonRpcId.Str) id).value()),
                question.method(), question.params() instanceof ObjectNode object ? object : Json.object())).toList();
        return relay.requests().askAll(cause.orElseThrow(), asked, config.timeout());
    }

    /** Why a question of the upstream's cannot go to the client of {@code cause}; empty when it can. */
    private Optional<JsonRpcError> refusal(String method, Optional<RequestContext> cause) {
        String capability = switch (method) {
            case McpMethods.SAMPLING_CREATE_MESSAGE -> "sampling";
            case McpMethods.ELICITATION_CREATE -> "elicitation";
            case McpMethods.ROOTS_LIST -> config.relayRoots() ? "roots" : "";
            default -> "";
        };
        if (capability.isEmpty()) {
            return Optional.of(JsonRpcError.methodNotFound(method + (method.equals(McpMethods.ROOTS_LIST)
                    ? " (the Conduit gateway passes it on only for upstreams configured with relay-roots: true)"
                    : " (the Conduit gateway does not offer it to upstream servers)")));
        }
        if (cause.isEmpty()) {
            return Optional.of(JsonRpcError.of(Outcome.INTERNAL_ERROR.code(), method + " could not be relayed: the "
                    + "Conduit gateway cannot tell which of its clients' requests it belongs to (send it on the "
                    + "request's own response stream, or while only one client's requests are in flight)"));
        }
        RequestContext client = cause.get();
        // A 2026 client's request is ended with -32021 by its input round (InputRounds), which checks the same.
        if (!client.session().protocolVersion().modern() && !client.session().clientCapabilities().has(capability)) {
            return Optional.of(JsonRpcError.of(Outcome.METHOD_NOT_FOUND.code(), "the client of this request did not "
                    + "declare the '" + capability + "' capability, so " + method + " cannot be relayed to it"));
        }
        LOGGER.log(Level.DEBUG, () -> "[" + client.correlationId() + "] upstream '" + id() + "' asks the client: "
                                      + method);
        return Optional.empty();
    }

    /** What the gateway can pass on to the clients of this upstream, as client capabilities. */
    private List<String> relayed() {
        return config.relayRoots() ? List.of("sampling", "elicitation", "roots") : List.of("sampling", "elicitation");
    }

    private void relayProgress(JsonRpcNotification notification) {
        ProgressRoute route = progressRoutes.get(notification.params().path("progressToken").asString(""));
        if (route != null && notification.params() instanceof ObjectNode params) {
            ObjectNode relayed = params.deepCopy();
            relayed.set("progressToken", route.clientToken());
            route.channel().send(new JsonRpcNotification(McpMethods.PROGRESS, relayed));
        }
    }

    /** A modern upstream's update names the gateway's listen stream; the gateway's clients are told under their own. */
    private static JsonRpcNotification withoutSubscriptionId(JsonRpcNotification notification) {
        if (!(notification.params().path("_meta") instanceof ObjectNode meta) || !meta.has(McpMeta.SUBSCRIPTION_ID)) {
            return notification;
        }
        ObjectNode params = ((ObjectNode) notification.params()).deepCopy();
        ObjectNode kept = (ObjectNode) params.get("_meta");
        kept.remove(McpMeta.SUBSCRIPTION_ID);
        if (kept.isEmpty()) {
            params.remove("_meta");
        }
        return new JsonRpcNotification(notification.method(), params);
    }

    private void stopListening() {
        listen.detach();
    }

    static Duration backoff(int failures) {
        if (failures <= 1) {
            return Duration.ZERO;
        }
        long millis = 500L << Math.min(failures - 2, 16);
        return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            listen.close();
            receiverTasks.cancelAll(Cancellation.SHUTDOWN);
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
