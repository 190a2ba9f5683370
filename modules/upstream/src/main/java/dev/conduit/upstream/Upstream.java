package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One configured upstream: connects on first use (MCP initialize handshake), keeps its tool list for the cache TTL,
 * relays progress of calls back to the client that asked, and reconnects after a crash, at once the first time and
 * then with a growing delay (0.5 s doubling up to 30 s) while it keeps failing. Thread-safe.
 */
final class Upstream implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Upstream.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FAILED_LISTING_RETRY = Duration.ofSeconds(5);
    private static final int MAX_PAGES = 100;

    /** Opens a connection whose notifications go to the given listener. */
    @FunctionalInterface
    interface Connector {
        McpConnection open(McpConnection.Listener listener) throws UpstreamException;
    }

    /** The last known state of the upstream, for health details. */
    enum State { IDLE, UP, DOWN }

    /** A tool list and when it was fetched. */
    record Listing(List<ObjectNode> tools, long fetchedNanos, boolean failed) {
    }

    private record ProgressRoute(JsonNode clientToken, ClientChannel channel) {
    }

    private final UpstreamConfig config;
    private final Connector connector;
    private final String clientVersion;
    private final Consumer<String> onListChanged;
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
    /** Set at shutdown, under the lock: no connection is opened after it. */
    private boolean closed;

    Upstream(UpstreamConfig config, Connector connector, String clientVersion, Consumer<String> onListChanged,
             Tracing tracing) {
        this.tracing = tracing;
        this.config = config;
        this.connector = connector;
        this.clientVersion = clientVersion;
        this.onListChanged = onListChanged;
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
        if (current == null) {
            return true;
        }
        Duration ttl = current.failed() ? FAILED_LISTING_RETRY : config.cacheTtl();
        return nowNanos - current.fetchedNanos() >= ttl.toNanos();
    }

    /** The cached listing, if any. */
    Optional<Listing> listing() {
        return Optional.ofNullable(listing);
    }

    /** Fetches every page of the upstream's tools and caches them; a failure is cached briefly and rethrown. */
    List<ObjectNode> refreshTools() throws UpstreamException {
        try {
            List<ObjectNode> tools = pages(McpMethods.TOOLS_LIST, "tools", "name");
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
                return items;
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
    ObjectNode forward(String method, ObjectNode params, Cancellation cancellation) throws UpstreamException {
        return exchange(method, () -> {
            ObjectNode sent = params.deepCopy();
            Tracing.traceparent().ifPresent(parent -> {
                ObjectNode meta = sent.get("_meta") instanceof ObjectNode existing ? existing : sent.putObject("_meta");
                meta.put("traceparent", parent);
            });
            JsonNode result = result(connection().request(method, sent, config.timeout(), cancellation), method);
            if (!(result instanceof ObjectNode object)) {
                throw new UpstreamException("upstream '" + id() + "' answered " + method + " without a result object");
            }
            return object;
        });
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
        lastError = e.getMessage();
    }

    private void reached() {
        state = State.UP;
        lastError = "";
    }

    /**
     * Calls tool {@code name}, relaying progress to {@code channel} when the client sent a progress token.
     *
     * @return the upstream's {@code CallToolResult}
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     * @throws RpcException      when the upstream answers with a JSON-RPC error (passed on as it is)
     */
    ObjectNode callTool(String name, ObjectNode arguments, Optional<JsonNode> progressToken, ClientChannel channel,
                        Cancellation cancellation) throws UpstreamException {
        return exchange(McpMethods.TOOLS_CALL, () -> send(name, arguments, progressToken, channel, cancellation));
    }

    private ObjectNode send(String name, ObjectNode arguments, Optional<JsonNode> progressToken,
                            ClientChannel channel, Cancellation cancellation) throws UpstreamException {
        McpConnection live = connection();
        ObjectNode params = Json.object();
        params.put("name", name);
        params.set("arguments", arguments);
        // W3C trace context in _meta for every upstream (stdio has no headers); HTTP upstreams get the header too.
        Tracing.traceparent().ifPresent(parent -> params.putObject("_meta").put("traceparent", parent));
        Optional<String> route = progressToken.map(token -> {
            // Our own token towards the upstream: two clients may use the same token value at the same time.
            String ours = "conduit-" + progressIds.incrementAndGet();
            progressRoutes.put(ours, new ProgressRoute(token, channel));
            ObjectNode meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
            meta.put("progressToken", ours);
            return ours;
        });
        try {
            JsonNode result = result(live.request(McpMethods.TOOLS_CALL, params, config.timeout(), cancellation),
                                     McpMethods.TOOLS_CALL);
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
                failures++;
                retryAtNanos = System.nanoTime() + backoff(failures).toNanos();
                state = State.DOWN;
                LOGGER.log(Level.WARNING, "upstream '" + id() + "' connection lost; reconnecting on next use");
            }
            long wait = retryAtNanos - System.nanoTime();
            if (wait > 0) {
                throw new UpstreamException("upstream '" + id() + "' is down (" + lastError + "); next attempt in "
                                            + Duration.ofNanos(wait).toMillis() + " ms");
            }
            try {
                McpConnection opened = connector.open(this::onNotification);
                try {
                    initialize(opened);
                } catch (UpstreamException | RuntimeException e) {
                    opened.close();
                    throw e;
                }
                connection = opened;
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

    private void initialize(McpConnection opened) throws UpstreamException {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersion.latest().wire());
        params.putObject("capabilities");
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
        capabilities = result.path("capabilities") instanceof ObjectNode declared ? declared : Json.object();
        opened.notify(McpMethods.INITIALIZED, Json.object());
        LOGGER.log(Level.INFO, "upstream '" + id() + "' initialized: " + result.path("serverInfo").path("name")
                .asString("unnamed") + " " + result.path("serverInfo").path("version").asString("") + ", protocol "
                               + version);
    }

    private void onNotification(JsonRpcNotification notification) {
        switch (notification.method()) {
            case McpMethods.PROGRESS -> relayProgress(notification);
            case McpMethods.TOOLS_LIST_CHANGED -> {
                listing = null;
                onListChanged.accept(notification.method());
            }
            case McpMethods.RESOURCES_LIST_CHANGED, McpMethods.PROMPTS_LIST_CHANGED ->
                    onListChanged.accept(notification.method());
            case McpMethods.MESSAGE -> LOGGER.log(Level.DEBUG, () -> "upstream '" + id() + "' log: "
                    + notification.params().path("data"));
            default -> LOGGER.log(Level.DEBUG, () -> "upstream '" + id() + "' sent " + notification.method());
        }
    }

    private void relayProgress(JsonRpcNotification notification) {
        ProgressRoute route = progressRoutes.get(notification.params().path("progressToken").asString(""));
        if (route != null && notification.params() instanceof ObjectNode params) {
            ObjectNode relayed = params.deepCopy();
            relayed.set("progressToken", route.clientToken());
            route.channel().send(new JsonRpcNotification(McpMethods.PROGRESS, relayed));
        }
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
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
