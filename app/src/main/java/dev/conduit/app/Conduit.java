package dev.conduit.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import dev.conduit.auth.ApiKey;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.McpSession;
import dev.conduit.core.SessionRevocations;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.exec.WarmUpGate;
import dev.conduit.core.spi.Executor;
import dev.conduit.core.trace.Tracing;
import dev.conduit.gateway.AuditTrail;
import dev.conduit.gateway.ExecutorRegistry;
import dev.conduit.gateway.McpServer;
import dev.conduit.gateway.ServerInfo;
import dev.conduit.ops.Checks;
import dev.conduit.ops.JvmMeters;
import dev.conduit.ops.OpsFeature;
import dev.conduit.policy.AddressPolicy;
import dev.conduit.policy.RateLimiter;
import dev.conduit.policy.RateStore;
import dev.conduit.policy.SharedBuckets;
import dev.conduit.policy.SharedRevocations;
import dev.conduit.policy.TokenBuckets;
import dev.conduit.transport.ConnectionClose;
import dev.conduit.transport.HeaderDeadline;
import dev.conduit.transport.LocalListener;
import dev.conduit.transport.SessionSharing;
import dev.conduit.transport.StdioTransport;
import dev.conduit.transport.StreamableHttpTransport;
import dev.conduit.upstream.UpstreamCatalog;
import dev.conduit.upstream.UpstreamMetrics;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * One running Conduit: the object graph built once from a {@link ConduitConfig}, started and stopped as a whole.
 */
final class Conduit {
    private static final System.Logger LOGGER = System.getLogger(Conduit.class.getName());
    /** After the grace period, how long cancelled requests have to write their answers. */
    private static final Duration ANSWER_TIME = Duration.ofSeconds(3);
    /** Beyond the grace period and the time to answer: closing the listeners, engines, upstreams and children. */
    private static final Duration CLOSING_TIME = Duration.ofSeconds(15);

    private final ConduitConfig config;
    private final ServerInfo info = ServerInfo.current();
    private final StreamableHttpTransport http;
    private final WebServer server;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final JvmMeters jvmMeters = JvmMeters.register();
    private final UpstreamCatalog catalog;
    private final ExecutorRegistry engines;
    private final Optional<OpenTelemetrySdk> tracing;
    private final McpServer mcp;
    private final Authenticator authenticator;
    private final MeterRegistry meters;
    private final Optional<SharedBuckets> sharedBuckets;
    private final Optional<SharedRevocations> revocations;
    private volatile Optional<LocalListener> local = Optional.empty();

    Conduit(ConduitConfig config) {
        this.config = config;
        // The shared parts, made once here and handed to whoever needs them.
        this.tracing = TracingSetup.start(config.tracing());
        Tracing spans = tracing.map(Tracing::of).orElseGet(Tracing::noop);
        this.meters = Services.get(MeterRegistry.class);
        ClientRequests clientRequests = new ClientRequests();
        this.catalog = UpstreamCatalog.create(config.upstreams(), config.environment(),
                                              AddressPolicy.of(config.outboundAllow()), info.version(), clientRequests,
                                              spans);
        UpstreamMetrics.register(catalog, meters);
        // The engines warm up once the server listens (or serves stdio), not while it starts on the same cores.
        WarmUpGate.shared().hold();
        this.engines = ExecutorRegistry.start(config.executors());
        requireKeyEngines(config, engines);
        this.sharedBuckets = config.rateLimits().store().map(store -> new SharedBuckets(config.rateLimits()));
        RateLimiter rateLimiter = sharedBuckets.<RateLimiter>map(shared -> shared)
                .orElseGet(() -> new TokenBuckets(config.rateLimits()));
        sharedBuckets.ifPresent(shared -> RateStoreMeters.register(shared, meters));
        this.mcp = McpServer.builder().serverInfo(info)
                .catalog(catalog).features(catalog.passThrough()).clientRequests(clientRequests)
                .meters(meters).tracing(spans)
                .pageSize(config.pageSize())
                .maxToolArgumentBytes(config.toolArgumentBytes())
                .strictValidation(config.strictValidation())
                .executions(engines, config.executionLimits(), config.executors())
                .rateLimiter(rateLimiter)
                .clusterSecret(config.cluster().secret())
                .audit(new AuditTrail(config.audit()))
                .build();
        this.authenticator = Authenticator.create(config.auth());
        this.revocations = config.rateLimits().store().map(SharedRevocations::new);
        this.http = StreamableHttpTransport.create(config.http(), config.server().host(), mcp, authenticator,
                new SessionSharing(config.cluster().secret(), config.cluster().sessionMaxAge(),
                                   revocations.<SessionRevocations>map(shared -> shared)
                                           .orElseGet(SessionRevocations::inMemory)));
        catalog.onChange(method -> broadcast(new JsonRpcNotification(method, Json.object())));
        catalog.onRelay(this::broadcast);
        ServerSettings settings = config.server();
        ServerSettings.Connections connections = settings.connections();
        // Helidon checks idle connections on this period; a tenth of the timeout closes them close to it.
        Duration idleCheck = connections.idleTimeout().dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : connections.idleTimeout().dividedBy(10);
        this.server = WebServer.builder()
                .config(config.raw().get("server"))
                .shutdownHook(false)
                .host(settings.host())
                .port(settings.port())
                .maxTcpConnections(connections.maxConnections())
                .idleConnectionTimeout(connections.idleTimeout())
                .idleConnectionPeriod(idleCheck)
                // TCP_NODELAY: with Nagle's algorithm a response written in parts (a 14 KB tools/list) waited for the
                // client's delayed ACK on a kept-alive connection, about 40 ms per request.
                .connectionOptions(options -> options.readTimeout(connections.readTimeout()).tcpNoDelay(true))
                .protocolsDiscoverServices(false)
                .addProtocol(http1(connections))
                .putSocket(OpsFeature.SOCKET, socket -> {
                    socket.host(settings.opsHost()).port(settings.opsPort())
                            .maxTcpConnections(connections.maxOpsConnections())
                            .idleConnectionTimeout(connections.idleTimeout())
                            .idleConnectionPeriod(idleCheck)
                            .connectionOptions(options -> options.readTimeout(connections.readTimeout())
                                    .tcpNoDelay(true))
                            .protocolsDiscoverServices(false)
                            .addProtocol(http1(connections));
                    socket.routing(routing -> {
                        routing.addFilter(ConnectionClose.filter());
                        settings.opsToken().ifPresent(token -> routing.addFilter(OpsFeature.bearerToken(token)));
                    });
                })
                .addFeature(OpsFeature.create(List.of(
                        Checks.readiness("mcp-listener", () -> !stopping.get() && isRunning()),
                        Checks.readiness("engines", () -> engines.availability().values().stream()
                                .anyMatch(Executor.Availability::available)),
                        Checks.readinessDetails("engine-states", this::engineDetails),
                        Checks.readinessDetails("upstreams", this::upstreamDetails),
                        Checks.readinessDetails("rate-store", this::rateStoreDetails))))
                .routing(routing -> routing.addFilter(ConnectionClose.filter()).register(config.http().path(), http))
                .build();
    }

    /** Every engine a key chooses for a language (auth.api-keys[].engines) is enabled and runs it; else start-up stops. */
    private static void requireKeyEngines(ConduitConfig config, ExecutorRegistry engines) {
        List<ApiKey> keys = config.auth().apiKeys();
        try {
            for (int i = 0; i < keys.size(); i++) {
                String where = "auth.api-keys." + i + ".engines.";
                keys.get(i).engines().forEach((language, engine) -> engines.requireRuns(where + language, language,
                                                                                        engine));
            }
        } catch (RuntimeException e) {
            engines.close();
            throw e;
        }
    }

    /** A notification for clients outside any request, to the sessions of every listener it is for. */
    private void broadcast(JsonRpcNotification notification) {
        Predicate<McpSession> audience = mcp.audience(notification);
        http.broadcast(notification, audience);
        local.ifPresent(listener -> listener.broadcast(notification, audience));
        mcp.deliver(notification);
    }

    /**
     * Serves MCP on stdin/stdout until stdin ends, then stops: no HTTP listener, no ops socket (several desktop
     * clients each start their own Conduit, and fixed ports would collide).
     */
    void serveStdio(InputStream in, OutputStream out) {
        StdioTransport stdio = StdioTransport.create(mcp, config.stdioPrincipal(), out, config.stdioMaxMessageBytes());
        catalog.onChange(method -> {
            JsonRpcNotification changed = new JsonRpcNotification(method, Json.object());
            stdio.notifyClient(changed, mcp.audience(changed));
            mcp.deliver(changed);
        });
        catalog.onRelay(relayed -> {
            stdio.notifyClient(relayed, mcp.audience(relayed));
            mcp.deliver(relayed);
        });
        startBackgroundWork();
        LOGGER.log(Level.INFO, "Conduit " + info.version() + " serving MCP on stdio as " + config.stdioPrincipal().id());
        stdio.serve(in);
        LOGGER.log(Level.INFO, "stdin ended");
        stop();
    }

    /** Starts the listeners and logs where they are. */
    Conduit start() {
        server.start();
        if (!server.isRunning() || mcpPort() <= 0 || opsPort() <= 0) {
            server.stop();
            throw new IllegalStateException("cannot listen on " + config.server().host() + ":"
                                            + config.server().port() + " (MCP) and " + config.server().opsHost() + ":"
                                            + config.server().opsPort() + " (ops); is the port in use?");
        }
        config.socket().ifPresent(settings -> {
            try {
                local = Optional.of(LocalListener.start(settings, mcp, authenticator));
            } catch (IOException e) {
                server.stop();
                throw new UncheckedIOException("cannot listen on " + settings.address(), e);
            }
            LOGGER.log(Level.INFO, "MCP and the 1.0 methods on " + settings.address());
        });
        // Helidon counts every request of both sockets as requests.count on its own; conduit_requests counts them by
        // method and outcome, and an unprefixed name beside the conduit_* meters only misleads a dashboard.
        meters.meters(meter -> meter.id().name().equals("requests.count")).forEach(meters::remove);
        LOGGER.log(Level.INFO, "Conduit " + info.version() + " ready: MCP at http://" + config.server().host() + ":"
                               + mcpPort() + config.http().path() + " (authentication "
                               + (config.auth().enabled() ? "on" : "OFF") + "), ops at http://"
                               + config.server().opsHost() + ":" + opsPort() + "/observe");
        startBackgroundWork();
        return this;
    }

    /**
     * Once the server listens: eager upstreams start (a first program's SDK needs their tool lists) and the engines
     * warm up. Both take whole cores for seconds; begun while the server starts, they delayed its socket on 2 cores.
     */
    private void startBackgroundWork() {
        catalog.startEager();
        WarmUpGate.shared().open();
    }

    int mcpPort() {
        return server.port();
    }

    int opsPort() {
        return server.port(OpsFeature.SOCKET);
    }

    /** Each engine's availability now. */
    Map<String, Executor.Availability> engineAvailability() {
        return engines.availability();
    }

    boolean isRunning() {
        return server.isRunning();
    }

    /**
     * Stops gracefully: readiness goes down, new requests get 503, requests in flight get the grace period; whatever
     * still runs then is cancelled and answers (-32000, with its partial output) within {@link #ANSWER_TIME}; then the
     * listeners close and every child process is ended. Every wait is bounded.
     */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Duration grace = config.server().shutdownGrace();
        Instant started = Instant.now();
        LOGGER.log(Level.INFO, "Shutting down: waiting up to " + grace + " for requests in flight");
        mcp.endSubscriptions();
        // The socket drains beside HTTP, within the same grace period and the same time to answer.
        Thread localDrain = Thread.ofVirtual().name("conduit-local-drain").start(() -> local.ifPresent(listener -> {
            try {
                listener.shutdown(grace.plus(ANSWER_TIME));
            } catch (InterruptedException e) {
                listener.close();
            }
        }));
        try {
            http.drain(grace);
            Duration left = grace.minus(Duration.between(started, Instant.now()));
            if (left.isPositive()) {
                localDrain.join(left);
            }
            int running = mcp.running();
            if (running > 0) {
                LOGGER.log(Level.WARNING, running + " request(s) still running after the shutdown grace period of "
                                          + grace + "; cancelling them so that each gets an answer");
            }
            mcp.cancelAll();
            http.shutdown(ANSWER_TIME);
            // Bounded: a drain that overruns is cut short by closing the listener.
            if (!localDrain.join(ANSWER_TIME.plusSeconds(1))) {
                local.ifPresent(LocalListener::close);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            local.ifPresent(LocalListener::close);
        }
        // Each step runs even when one before it failed: the child processes must end whatever else went wrong.
        closeStep("the HTTP server", () -> {
            if (server.isRunning()) {
                server.stop();
            }
        });
        closeStep("the MCP server", mcp::close);
        closeStep("the engines", engines::close);
        closeStep("tracing", () -> tracing.ifPresent(OpenTelemetrySdk::close)); // flushes the spans still batched
        closeStep("the upstreams", catalog::close);
        closeStep("the rate-limit store", () -> {
            sharedBuckets.ifPresent(SharedBuckets::close);
            revocations.ifPresent(SharedRevocations::close);
        });
        closeStep("the JVM meters", jvmMeters::close);
        closeStep("the child processes", Conduit::endChildProcesses);
        LOGGER.log(Level.INFO, "Stopped in " + Duration.between(started, Instant.now()).toMillis() + " ms");
    }

    /** How long a stop may take at most: past that, it is stuck ({@link StopDeadline} ends the process). */
    Duration stopLimit() {
        return config.server().shutdownGrace().plus(ANSWER_TIME).plus(CLOSING_TIME);
    }

    private static void closeStep(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Stopping " + what + " failed: " + e);
        }
    }

    /** The shared rate-limit store's state, when one is configured: it never makes the replica unready. */
    private Map<String, String> rateStoreDetails() {
        return sharedBuckets.map(shared -> Map.of(
                "store", shared.store().toString(),
                "state", shared.reachable() ? "up" : "down: " + (shared.store().onFailure() == RateStore.OnFailure.LOCAL
                        ? "each replica limits alone" : "limited work is refused"),
                "failures", Long.toString(shared.failures()))).orElse(Map.of("store", "none: this replica's memory"));
    }

    /** Each upstream's last known state, without starting anything: "up (12 tools)", "down: <reason>", "idle". */
    private Map<String, String> upstreamDetails() {
        Map<String, String> details = new LinkedHashMap<>();
        for (UpstreamCatalog.Status status : catalog.status()) {
            details.put(status.id(), switch (status.state()) {
                case "up" -> "up (" + status.tools() + " tools)";
                case "down" -> "down: " + status.lastError();
                default -> status.state();
            });
        }
        return details;
    }

    /** Each engine's state: "available: GraalVM ..." or "unavailable: warming up". */
    private Map<String, String> engineDetails() {
        Map<String, String> details = new LinkedHashMap<>();
        engines.availability().forEach((name, state) -> details.put(name, (state.available() ? "available: "
                                                                            : "unavailable: ") + state.detail()));
        return details;
    }

    /**
     * HTTP/1 as Helidon serves it, with the deadline for request headers that Helidon lacks. The listeners serve this
     * protocol only (no discovery): with a second, discovered HTTP/1 selector Helidon would read a new connection's
     * first bytes to choose between them, outside the idle-connection check, and a silent connection would stay open.
     */
    private static Http1Config http1(ServerSettings.Connections connections) {
        return Http1Config.builder().addReceiveListener(HeaderDeadline.of(connections.headerTimeout())).build();
    }

    /** Ends every descendant process: polite first, forcibly after a short wait. */
    private static void endChildProcesses() {
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }
}
