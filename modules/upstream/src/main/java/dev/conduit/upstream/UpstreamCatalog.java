package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.conduit.core.ClientRequests;
import dev.conduit.core.LogLevel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCall;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.core.tool.ToolResults;
import dev.conduit.core.tool.UpstreamFeatures;
import dev.conduit.core.trace.Tracing;
import dev.conduit.policy.AddressPolicy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The merged tools of every enabled upstream, named {@code <upstream>__<tool>} (see {@link ToolNames}). Each
 * upstream's list is fetched on first use and again when its cache TTL has passed or it announced
 * {@code notifications/tools/list_changed}; upstreams are fetched in parallel and each is given its own timeout, so
 * one slow or dead upstream is left out of that listing without holding up the others. Listeners hear about every
 * change of the merged list. Thread-safe.
 */
public final class UpstreamCatalog implements ToolCatalog, AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(UpstreamCatalog.class.getName());

    private final List<Upstream> upstreams;
    private final PassThrough passThrough;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<JsonRpcNotification>> relays = new CopyOnWriteArrayList<>();
    private final Map<Upstream, CompletableFuture<Void>> fetches = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of());
    /** Set as the server stops: what fails from then on is the stop's doing. */
    private volatile boolean closing;
    // Counted on every tool lookup, by every request thread at once: adders, made once per upstream.
    private final Map<Upstream, LongAdder> hits;
    private final Map<Upstream, LongAdder> misses;

    /**
     * The merged tool list and the upstreams' listings it was built from: a listing that is fresh but not yet in the
     * snapshot (a fetch that ended a moment ago) must not be served as if it were.
     */
    private record Snapshot(List<Tool> tools, Map<String, Tool> byName, Map<Upstream, Upstream.Listing> builtFrom) {
        boolean holds(Upstream upstream) {
            return upstream.listing().map(listing -> listing == builtFrom.get(upstream)).orElse(false);
        }
    }

    /** The state of one upstream, for health details; never carries secrets. */
    public record Status(String id, String state, String lastError, int tools, long restarts, long cacheHits,
                         long cacheMisses) {
    }

    private UpstreamCatalog(List<UpstreamConfig> configs, Map<String, String> environment, AddressPolicy outbound,
                            String version, ClientRequests clientRequests, Tracing tracing) {
        String path = environment.getOrDefault("PATH", "");
        List<Upstream> enabled = new ArrayList<>();
        Upstream.Relay relay = new Upstream.Relay(clientRequests, notification -> relays.forEach(
                listener -> listener.accept(notification)));
        for (UpstreamConfig config : configs) {
            if (!config.enabled()) {
                continue;
            }
            Upstream.Connector connector = switch (config.transport()) {
                case UpstreamConfig.Stdio stdio -> listener -> StdioConnection.start(config.id(), stdio, path,
                        config.maxMessageBytes(), listener);
                case UpstreamConfig.Http http -> {
                    TokenSource tokens = new TokenSource(config.id(), http.auth(), outbound, config.timeout());
                    yield http.legacySse()
                            ? listener -> SseConnection.open(config.id(), http, outbound, config.timeout(),
                                                             config.maxMessageBytes(), listener, tokens)
                            : listener -> HttpConnection.open(config.id(), http, outbound, config.timeout(),
                                                              config.maxMessageBytes(), listener, tokens);
                }
            };
            enabled.add(new Upstream(config, connector, version, this::listChanged, relay, tracing));
        }
        this.upstreams = List.copyOf(enabled);
        this.passThrough = new PassThrough(this.upstreams);
        this.hits = counters(upstreams);
        this.misses = counters(upstreams);
    }

    private static Map<Upstream, LongAdder> counters(List<Upstream> upstreams) {
        Map<Upstream, LongAdder> counters = new HashMap<>();
        upstreams.forEach(upstream -> counters.put(upstream, new LongAdder()));
        return Map.copyOf(counters);
    }

    /** The same upstreams' resources, resource templates and prompts, and requests about them forwarded. */
    public UpstreamFeatures passThrough() {
        return passThrough;
    }

    /**
     * A catalog of the enabled upstreams in {@code configs}. Nothing is started here: upstreams connect on first use,
     * or in the background through {@link #startEager()}.
     *
     * @param environment Conduit's environment; only {@code PATH} is read, to find stdio commands
     * @param outbound    which addresses HTTP upstreams may have
     * @param version     this build's version, sent as the client's in {@code initialize}
     * @param clientRequests where upstreams' sampling and elicitation requests are asked of the gateway's clients
     * @param tracing     how upstream calls are traced
     */
    public static UpstreamCatalog create(List<UpstreamConfig> configs, Map<String, String> environment,
                                         AddressPolicy outbound, String version, ClientRequests clientRequests,
                                         Tracing tracing) {
        return new UpstreamCatalog(Objects.requireNonNull(configs), Objects.requireNonNull(environment),
                                   Objects.requireNonNull(outbound), Objects.requireNonNull(version),
                                   Objects.requireNonNull(clientRequests), Objects.requireNonNull(tracing));
    }

    /**
     * Runs {@code listener} with every upstream notification for clients that no client request claims: log
     * messages (their logger prefixed with the upstream's id) and {@code notifications/resources/updated}. Whoever
     * sends them on decides which sessions get them.
     */
    public void onRelay(Consumer<JsonRpcNotification> listener) {
        relays.add(Objects.requireNonNull(listener));
    }

    /** Connects the upstreams marked {@code eager} in the background and lists their tools. */
    public void startEager() {
        if (upstreams.stream().anyMatch(upstream -> upstream.config().eager())) {
            Thread.ofVirtual().name("upstreams-eager-start").start(this::current);
        }
    }

    /**
     * Runs {@code listener} (on a background thread) with the {@code notifications/.../list_changed} method whenever a
     * list changes: the merged tool list (after it was fetched again and differs), or an upstream's resources or
     * prompts (relayed as they come; those lists are fetched when asked).
     */
    public void onChange(Consumer<String> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public List<Tool> tools() {
        return current().tools();
    }

    /** The catalog as last built: never fetches, never waits for an upstream's list. */
    @Override
    public List<Tool> listed() {
        return snapshot.tools();
    }

    @Override
    public Optional<Tool> find(String name) {
        return Optional.ofNullable(current().byName().get(name));
    }

    /** The last known state of every enabled upstream. Starts nothing. */
    public List<Status> status() {
        return upstreams.stream().map(upstream -> new Status(upstream.id(), upstream.state().name().toLowerCase(
                java.util.Locale.ROOT), upstream.lastError(), upstream.listing().map(l -> l.tools().size()).orElse(0),
                upstream.restarts(), hits.get(upstream).sum(), misses.get(upstream).sum()))
                .toList();
    }

    private Snapshot current() {
        long now = System.nanoTime();
        Snapshot served = snapshot;
        boolean servable = true;
        for (Upstream upstream : upstreams) {
            // A hit: the upstream's tools are served from the catalog; a miss: they are fetched again first.
            boolean stale = upstream.listingStale(now);
            (stale ? misses : hits).get(upstream).increment();
            servable &= !stale && served.holds(upstream);
        }
        if (servable) {
            return served;
        }
        refreshLock.lock();
        try {
            long again = System.nanoTime();
            List<Upstream> stale = upstreams.stream().filter(upstream -> upstream.listingStale(again)).toList();
            if (stale.isEmpty()) {
                Snapshot current = snapshot;
                if (!upstreams.stream().allMatch(current::holds)) {
                    rebuild(); // a fetch ended and has not rebuilt the catalog yet: do it now, not serve the old one
                }
                return snapshot;
            }
            refresh(stale);
            return snapshot;
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * Fetches the stale upstreams' lists in parallel and rebuilds the catalog. A listing waits for an upstream's first
     * list up to its timeout; an upstream that has listed before (or failed) gets one second, its previous list (or
     * none) is served meanwhile, and the catalog is rebuilt again when the slow fetch ends. One fetch per upstream is
     * in flight at a time, however many clients list.
     */
    private void refresh(List<Upstream> stale) {
        List<Map.Entry<Upstream, CompletableFuture<Void>>> waits = new ArrayList<>();
        for (Upstream upstream : stale) {
            waits.add(Map.entry(upstream, fetches.computeIfAbsent(upstream, this::fetch)));
        }
        for (Map.Entry<Upstream, CompletableFuture<Void>> wait : waits) {
            Upstream upstream = wait.getKey();
            Duration limit = upstream.listing().isEmpty() ? upstream.config().timeout().plusSeconds(1)
                                                          : Duration.ofSeconds(1);
            try {
                wait.getValue().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOGGER.log(Level.WARNING, "upstream '" + upstream.id() + "' did not list its tools within "
                                          + limit.toMillis() + " ms; listing without its new list for now");
            } catch (ExecutionException e) {
                LOGGER.log(Level.DEBUG, "upstream fetch failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        rebuild();
    }

    private CompletableFuture<Void> fetch(Upstream upstream) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("upstream-" + upstream.id() + "-list").start(() -> {
            try {
                upstream.refreshTools();
            } catch (UpstreamException | RuntimeException e) {
                // A listing that the server's stop cut short (an eager upstream at a quick stop) is no fault.
                LOGGER.log(closing ? Level.DEBUG : Level.WARNING, "upstream '" + upstream.id()
                                                                  + "' left out of the tool list: " + e.getMessage());
            } finally {
                fetches.remove(upstream);
                done.complete(null);
                // A listing that stopped waiting for this fetch serves its result now.
                refreshLock.lock();
                try {
                    rebuild();
                } finally {
                    refreshLock.unlock();
                }
            }
        });
        return done;
    }

    private void rebuild() {
        List<ToolNames.Key> keys = new ArrayList<>();
        Map<ToolNames.Key, Map.Entry<Upstream, ObjectNode>> sources = new LinkedHashMap<>();
        for (Upstream upstream : upstreams) {
            List<ObjectNode> tools = new ArrayList<>(upstream.listing().map(Upstream.Listing::tools).orElse(List.of()));
            tools.sort(Comparator.comparing(tool -> tool.path("name").asString()));
            for (ObjectNode tool : tools) {
                ToolNames.Key key = new ToolNames.Key(upstream.id(), tool.path("name").asString());
                if (sources.putIfAbsent(key, Map.entry(upstream, tool)) == null) {
                    keys.add(key);
                }
            }
        }
        Map<ToolNames.Key, String> names = ToolNames.assign(keys, this::namespaceOf);
        List<Tool> tools = new ArrayList<>();
        Map<String, Tool> byName = new LinkedHashMap<>();
        names.forEach((key, name) -> {
            Map.Entry<Upstream, ObjectNode> source = sources.get(key);
            Tool tool = toTool(name, source.getKey(), source.getValue());
            tools.add(tool);
            byName.put(name, tool);
        });
        Snapshot previous = snapshot;
        Map<Upstream, Upstream.Listing> builtFrom = new HashMap<>();
        upstreams.forEach(upstream -> builtFrom.put(upstream, upstream.listing().orElse(null)));
        snapshot = new Snapshot(List.copyOf(tools), Map.copyOf(byName), Collections.unmodifiableMap(builtFrom));
        if (!definitions(previous).equals(definitions(snapshot))) {
            LOGGER.log(Level.INFO, "tool catalog now has " + tools.size() + " tools from " + upstreams.size()
                                   + " upstream(s)");
            notifyListeners(McpMethods.TOOLS_LIST_CHANGED);
        }
    }

    private static List<ObjectNode> definitions(Snapshot snapshot) {
        return snapshot.tools().stream().map(tool -> tool.definition().toJson()).toList();
    }

    private Tool toTool(String name, Upstream upstream, ObjectNode source) {
        String localName = source.path("name").asString();
        JsonNode inputSchema = source.path("inputSchema");
        boolean hasSchema = inputSchema instanceof ObjectNode;
        ObjectNode schema = hasSchema ? (ObjectNode) inputSchema : anyObject();
        ToolDefinition definition = new ToolDefinition(
                name,
                text(source, "title"),
                source.path("description").asString(""),
                schema,
                object(source, "outputSchema"),
                object(source, "annotations"),
                others(source));
        return new Tool(definition, upstream.id(), localName,
                        (call, context) -> invoke(upstream, localName, call, context), true, hasSchema);
    }

    @Override
    public Optional<Tool> unlisted(String name) {
        int separator = name.indexOf("__");
        if (separator <= 0 || separator + 2 >= name.length()) {
            return Optional.empty();
        }
        String prefix = name.substring(0, separator);
        String localName = name.substring(separator + 2);
        return upstreams.stream().filter(upstream -> upstream.config().namespace().equals(prefix)).findFirst()
                .map(upstream -> new Tool(ToolDefinition.of(ToolNames.sanitize(name).substring(0,
                        Math.min(name.length(), ToolNames.MAX_LENGTH)), "", anyObject()), upstream.id(), localName,
                        (call, context) -> invoke(upstream, localName, call, context), false, false));
    }

    /** The prefix of an upstream's exposed names: its namespace, by default its id. */
    private String namespaceOf(String upstreamId) {
        return upstreams.stream().filter(upstream -> upstream.id().equals(upstreamId)).findFirst()
                .map(upstream -> upstream.config().namespace()).orElse(upstreamId);
    }

    @Override
    public String namespaceOf(Tool tool) {
        String namespace = namespaceOf(tool.namespace());
        return namespace.isEmpty() ? tool.namespace() : namespace;
    }

    private static ObjectNode anyObject() {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        return schema;
    }

    private static ObjectNode invoke(Upstream upstream, String localName, ToolCall call, RequestContext context) {
        long started = System.nanoTime();
        try {
            ObjectNode result = upstream.callTool(localName, call.arguments(), call.progressToken(), context);
            LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] " + upstream.id() + "/" + localName
                    + " answered in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            return result;
        } catch (UpstreamException e) {
            if (context.cancellation().cancelled() || Thread.currentThread().isInterrupted()) {
                // Given up on purpose (cancelled by the client, or as its program ended, ran out of time or was
                // stopped): not a failure of the upstream, and nobody waits for a word about it.
                LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] " + upstream.id() + "/" + localName
                                              + " cancelled: " + e.getMessage());
                return ToolResults.error(e.getMessage());
            }
            LOGGER.log(Level.WARNING, "[" + context.correlationId() + "] " + upstream.id() + "/" + localName
                                      + " failed: " + e.getMessage());
            context.log(LogLevel.WARNING, "conduit", e.getMessage());
            return ToolResults.error(e.getMessage());
        }
    }

    /**
     * The members of an upstream's tool that the definition does not model, kept to be passed on as they came, but
     * for its task support: the gateway offers its clients no tasks, and runs a tool that needs one as a task itself
     * ({@link ToolTasks}), so to its clients every tool is called the ordinary way.
     */
    private static ObjectNode others(ObjectNode source) {
        ObjectNode others = source.deepCopy();
        others.remove(List.of("name", "title", "description", "inputSchema", "outputSchema", "annotations"));
        if (others.get("execution") instanceof ObjectNode execution && execution.remove("taskSupport") != null
            && execution.isEmpty()) {
            others.remove("execution");
        }
        return others;
    }

    private static Optional<String> text(ObjectNode source, String field) {
        JsonNode value = source.path(field);
        return value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    private static Optional<ObjectNode> object(ObjectNode source, String field) {
        return source.path(field) instanceof ObjectNode value ? Optional.of(value) : Optional.empty();
    }

    private void listChanged(String method) {
        if (method.equals(McpMethods.TOOLS_LIST_CHANGED)) {
            Thread.ofVirtual().name("upstreams-refresh").start(this::current);
        } else {
            notifyListeners(method);
        }
    }

    private void notifyListeners(String method) {
        listeners.forEach(listener -> Thread.ofVirtual().start(() -> listener.accept(method)));
    }

    /** Ends every upstream connection and child process. */
    @Override
    public void close() {
        closing = true;
        upstreams.forEach(Upstream::close);
    }
}
