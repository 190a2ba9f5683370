package dev.conduit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.conduit.auth.AuthResult;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.Timers;
import dev.conduit.core.jsonrpc.ErrorMapper;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcCodec.Decoded;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaType;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * MCP Streamable HTTP (2025-11-25, 2025-06-18, 2025-03-26) on one endpoint path.
 * <ul>
 *     <li>{@code POST}: one JSON-RPC message (a batch only in a 2025-03-26 session). Requests are answered with
 *     JSON, or with an SSE stream when notifications precede the result; notifications and responses get 202.</li>
 *     <li>{@code GET}: the session's stream of server-initiated messages (one per session).</li>
 *     <li>{@code DELETE}: ends the session.</li>
 * </ul>
 * Every request passes, in this order: the Host/Origin guard (403), authentication (401), then the checks of its
 * method. Bad input gets the HTTP status the spec asks for and a JSON-RPC error body, never a stack trace.
 */
public final class StreamableHttpTransport implements HttpService {
    private static final System.Logger LOGGER = System.getLogger(StreamableHttpTransport.class.getName());

    /** The session header ({@code MCP-Session-Id} in 2025-11-25; header names are case-insensitive). */
    public static final HeaderName SESSION_ID = HeaderNames.create("Mcp-Session-Id");
    /** The negotiated protocol version header. */
    public static final HeaderName PROTOCOL_VERSION = HeaderNames.create("MCP-Protocol-Version");

    private static final MediaType EVENT_STREAM = MediaTypes.TEXT_EVENT_STREAM;
    /** The Accept values MCP clients send (the TypeScript SDK's first), which need no parsing. */
    private static final Set<String> USUAL_ACCEPT = Set.of("application/json, text/event-stream",
                                                           "text/event-stream, application/json");

    private final HttpTransportConfig config;
    private final McpEndpoint endpoint;
    private final Authenticator authenticator;
    private final OriginGuard guard;
    private final SessionRegistry sessions;
    private final Drain drain = new Drain();
    /** Messages in one 2025-03-26 batch: a small body must not buy unbounded work. */
    static final int MAX_BATCH_ITEMS = 100;
    /** Answers of one batch, in bytes; past this the batch's remaining requests are refused without running. */
    static final long MAX_BATCH_RESPONSE_BYTES = 16L * 1024 * 1024;
    private final ScheduledExecutorService sweeper;
    /** Each request's heartbeats and body deadline, on the sweeper's thread. */
    private final Deadlines deadlines;

    private StreamableHttpTransport(HttpTransportConfig config, String boundHost, McpEndpoint endpoint,
                                    Authenticator authenticator, SessionSharing sharing) {
        this.config = config;
        this.endpoint = endpoint;
        this.authenticator = authenticator;
        this.guard = new OriginGuard(boundHost, config.allowedHosts(), config.allowedOrigins());
        this.sessions = new SessionRegistry(config.maxSessions(), config.sessionIdleTimeout(), System::nanoTime,
                                            sharing.secret().map(secret -> new SignedSessionIds(
                                                    secret, sharing.maxAge(), java.time.Clock.systemUTC())),
                                            sharing.revocations(), endpoint::sessionEnded);
        this.sweeper = Timers.daemon("conduit-session-sweeper");
        long period = Math.max(1, config.sessionIdleTimeout().toSeconds() / 4);
        sweeper.scheduleAtFixedRate(sessions::expireIdle, period, period, TimeUnit.SECONDS);
        Duration shortest = config.bodyTimeout().compareTo(config.keepAliveInterval()) < 0 ? config.bodyTimeout()
                : config.keepAliveInterval();
        this.deadlines = new Deadlines(sweeper, Deadlines.tickFor(shortest));
        TransportMetrics.gauge("conduit.sessions.open", "Open MCP sessions over Streamable HTTP", this::sessionCount,
                               "http");
    }

    /**
     * A transport serving {@code endpoint}.
     *
     * @param config        the {@code transports.http} settings
     * @param boundHost     the host the main socket binds, accepted in Host and Origin headers
     * @param endpoint      where messages go
     * @param authenticator who may call
     */
    public static StreamableHttpTransport create(HttpTransportConfig config, String boundHost, McpEndpoint endpoint,
                                                 Authenticator authenticator) {
        return create(config, boundHost, endpoint, authenticator, SessionSharing.none());
    }

    /** A transport whose sessions replicas share as {@code sharing} says ({@code cluster.secret}). */
    public static StreamableHttpTransport create(HttpTransportConfig config, String boundHost, McpEndpoint endpoint,
                                                 Authenticator authenticator, SessionSharing sharing) {
        return new StreamableHttpTransport(Objects.requireNonNull(config), Objects.requireNonNull(boundHost),
                                           Objects.requireNonNull(endpoint), Objects.requireNonNull(authenticator),
                                           Objects.requireNonNull(sharing));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::post)
                .get("/", this::get)
                .delete("/", this::delete)
                .any("/", this::methodNotAllowed);
    }

    /** The path this transport is meant to be registered at. */
    public String path() {
        return config.path();
    }

    /**
     * Sends a server-initiated notification (for example {@code notifications/tools/list_changed}) to every session
     * {@code to} picks that has a GET stream open; sessions without one miss it, as the spec allows.
     */
    public void broadcast(JsonRpcNotification notification, Predicate<McpSession> to) {
        sessions.forEach(session -> {
            if (to.test(session)) {
                session.sendUnsolicited(notification);
            }
        });
    }

    /** Live sessions, for metrics and tests. */
    public int sessionCount() {
        return sessions.size();
    }

    /**
     * Stops admitting requests (new ones get 503) and waits up to {@code timeout} for those in flight; may be called
     * again to wait more (after the requests were told to finish).
     *
     * @return true if nothing is in flight any more
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        return drain.drain(timeout);
    }

    /**
     * Stops admitting requests (new ones get 503), waits up to {@code grace} for those in flight, then ends every
     * session and stream.
     *
     * @return true if every in-flight request finished within the grace period
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        boolean finished = drain(grace);
        if (!finished) {
            LOGGER.log(Level.WARNING, drain.inFlight() + " request(s) still running after the shutdown grace period of "
                                      + grace + "; they are cut off");
        }
        sessions.closeAll();
        sweeper.shutdownNow();
        return finished;
    }

    // ---- POST ---------------------------------------------------------------------------------------------------

    private void post(ServerRequest req, ServerResponse res) {
        String cid = correlationId();
        // Given back on every answer, so that a client can quote it and an operator find the request's log lines.
        res.header(CORRELATION, cid);
        Optional<Principal> principal = admit(req, res);
        if (principal.isEmpty()) {
            return;
        }
        if (!drain.enter()) {
            res.header(HeaderNames.RETRY_AFTER, "5");
            reject(res, Outcome.BUSY,
                   "Service unavailable: the server is shutting down");
            return;
        }
        // A client's W3C trace context becomes the parent of this request's spans (nothing happens untraced).
        Context traced = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
        try (Scope _ = traced.makeCurrent()) {
            servePost(req, res, principal.get(), cid);
        } catch (ClientGoneException e) {
            TransportMetrics.clientGone("http");
            LOGGER.log(Level.INFO, "[" + cid + "] client gone: " + e.getMessage());
            try {
                res.status(Status.REQUEST_TIMEOUT_408).send(); // ends the exchange; the connection is already gone
            } catch (RuntimeException closed) {
                LOGGER.log(Level.TRACE, "[" + cid + "] no answer possible: " + closed.getMessage());
            }
        } catch (RuntimeException | IOException e) {
            if (!res.isSent()) {
                rejectWith(res, Status.create(Outcome.INTERNAL_ERROR.httpStatus()), ErrorMapper.toError(e, cid));
            } else {
                LOGGER.log(Level.ERROR, "[" + cid + "] failed after the response was started", e);
            }
        } finally {
            drain.exit();
        }
    }

    private void servePost(ServerRequest req, ServerResponse res, Principal principal, String cid) throws IOException {
        if (!isJson(req.headers().contentType())) {
            reject(res, Outcome.UNSUPPORTED_MEDIA_TYPE,
                   "Unsupported Media Type: the body must be application/json");
            return;
        }
        if (!acceptsJsonAndEvents(req.headers())) {
            reject(res, Outcome.NOT_ACCEPTABLE,
                   "Not Acceptable: the client must accept both application/json and text/event-stream");
            return;
        }
        Optional<ProtocolVersion> headerVersion = protocolHeader(req);
        Optional<byte[]> body = readBody(req, res);
        if (body.isEmpty()) {
            return;
        }
        Decoded decoded = JsonRpcCodec.decode(body.get());
        Optional<String> unsupported = req.headers().first(PROTOCOL_VERSION).map(String::trim)
                .filter(header -> ProtocolVersion.fromWire(header).isEmpty());
        if (unsupported.isPresent()) {
            rejectWith(res, Status.create(Outcome.UNSUPPORTED_PROTOCOL_VERSION.httpStatus()),
                       ProtocolVersion.unsupported(unsupported.get()),
                       decoded instanceof Decoded.Single(JsonRpcRequest request) ? request.id() : JsonRpcId.NULL);
            return;
        }
        switch (decoded) {
            case Decoded.Malformed malformed -> rejectWith(
                    res, Status.create(Outcome.ofCode(malformed.error().code()).httpStatus()), malformed.error(),
                    malformed.id());
            case Decoded.Batch batch -> serveBatch(req, res, principal, cid, batch, headerVersion);
            case Decoded.Single single -> serveSingle(req, res, principal, cid, single.message(), headerVersion);
        }
    }

    private void serveSingle(ServerRequest req, ServerResponse res, Principal principal, String cid,
                             JsonRpcMessage message, Optional<ProtocolVersion> headerVersion) {
        boolean modernHeader = headerVersion.filter(ProtocolVersion::modern).isPresent();
        if (message instanceof JsonRpcRequest request && McpMeta.protocolVersion(request).isPresent()) {
            serveModern(req, res, principal, cid, request);
            return;
        }
        if (modernHeader) {
            if (message instanceof JsonRpcRequest request) {
                // A 2026-07-28 request without the _meta that revision requires: never served as a legacy one.
                rejectWith(res, Status.BAD_REQUEST_400, JsonRpcError.invalidParams(McpMeta.missing(request)
                        .orElse("Invalid params: _meta lacks \"" + McpMeta.PROTOCOL_VERSION + "\"")), request.id());
            } else {
                // The modern era defines no client notifications over HTTP (closing a stream cancels): accepted, unused.
                res.status(Status.ACCEPTED_202).send();
            }
            return;
        }
        if (message instanceof JsonRpcRequest request && request.method().equals(McpMethods.INITIALIZE)) {
            initialize(res, principal, cid, request, headerVersion);
            return;
        }
        Optional<HttpSession> session = session(req, res, principal);
        if (session.isEmpty()) {
            return;
        }
        if (!(message instanceof JsonRpcRequest request)) {
            endpoint.handle(message, new RequestContext(principal, cid, session.get(), ClientChannel.discarding()));
            res.status(Status.ACCEPTED_202).send();
            return;
        }
        serveRequest(res, principal, cid, request, session.get(), false);
    }

    /**
     * A modern (2026-07-28) request: no session, headers checked against the body, served in a session of its own
     * that ends with it. Its protocol errors come with their HTTP status (400 for -32020..-32022, 404 for an unknown
     * method), as the revision's Streamable HTTP binding says.
     */
    private void serveModern(ServerRequest req, ServerResponse res, Principal principal, String cid,
                             JsonRpcRequest request) {
        Optional<String> missing = McpMeta.missing(request);
        if (missing.isPresent()) {
            rejectWith(res, Status.BAD_REQUEST_400, JsonRpcError.invalidParams(missing.get()), request.id());
            return;
        }
        Optional<JsonRpcError> mismatch = ModernHeaders.mismatch(req.headers(), request)
                .or(() -> ModernHeaders.paramMismatch(req.headers(), request, endpoint, principal));
        if (mismatch.isPresent()) {
            rejectWith(res, Status.create(Outcome.HEADER_MISMATCH.httpStatus()), mismatch.get(), request.id());
            return;
        }
        serveRequest(res, principal, cid, request, new LocalSession("modern-" + cid, "http",
                                                                    ProtocolVersion.V2026_07_28), true);
    }

    private void serveRequest(ServerResponse res, Principal principal, String cid, JsonRpcRequest request,
                              McpSession session, boolean modern) {
        PostExchange exchange = new PostExchange(res, true);
        if (request.progressToken().isPresent()) {
            exchange.startStreaming();
        }
        RequestContext context = new RequestContext(principal, cid, session, exchange);
        // The write goes on a virtual thread: a client that does not read must not stall the sweeper's one thread.
        Deadlines.Deadline heartbeats = deadlines.every(config.keepAliveInterval(), beat -> Thread.ofVirtual()
                .start(() -> {
                    if (!exchange.heartbeat() && !context.cancellation().cancelled()) {
                        LOGGER.log(Level.INFO, "[" + cid + "] client gone while its request ran; cancelling it");
                        TransportMetrics.clientGone("http");
                        context.cancellation().cancel("the client went away");
                    }
                }));
        JsonRpcResponse response;
        try {
            response = endpoint.handle(request, context).orElseThrow(
                    () -> new IllegalStateException("the endpoint did not answer request " + request.id()));
        } finally {
            heartbeats.cancel();
        }
        logOutcome(cid, principal, request, response);
        exchange.complete(response, modern ? modernStatus(response) : Status.OK_200);
    }

    /** The HTTP status of a modern response sent as JSON: 400 for its protocol errors, 404 for an unknown method. */
    private static Status modernStatus(JsonRpcResponse response) {
        if (!(response instanceof JsonRpcResponse.Failure failure)) {
            return Status.OK_200;
        }
        return switch (Outcome.ofCode(failure.error().code())) {
            case HEADER_MISMATCH, MISSING_CLIENT_CAPABILITY, UNSUPPORTED_PROTOCOL_VERSION -> Status.BAD_REQUEST_400;
            case METHOD_NOT_FOUND -> Status.NOT_FOUND_404;
            default -> Status.OK_200;
        };
    }

    private void initialize(ServerResponse res, Principal principal, String cid, JsonRpcRequest request,
                            Optional<ProtocolVersion> headerVersion) {
        McpSession provisional = HttpSession.provisional(headerVersion.orElse(ProtocolVersion.latest()));
        JsonRpcResponse response = endpoint.handle(request,
                        new RequestContext(principal, cid, provisional, ClientChannel.discarding()))
                .orElseThrow(() -> new IllegalStateException("initialize was not answered"));
        if (response instanceof JsonRpcResponse.Success success) {
            ProtocolVersion negotiated = ProtocolVersion.fromWire(success.result().path("protocolVersion").asString())
                    .orElse(ProtocolVersion.latest());
            Optional<HttpSession> session = sessions.create(principal, negotiated, provisional.clientCapabilities());
            if (session.isEmpty()) {
                res.header(HeaderNames.RETRY_AFTER, "30");
                rejectWith(res, Status.create(Outcome.BUSY.httpStatus()), Outcome.BUSY.error(
                        "Server busy: the maximum number of sessions is reached; retry later"), request.id());
                return;
            }
            res.header(SESSION_ID, session.get().id());
            LOGGER.log(Level.INFO, () -> "[" + cid + "] session started for " + principal.id() + " with protocol "
                                         + negotiated.wire());
        }
        res.status(Status.OK_200);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(JsonRpcCodec.encode(response));
    }

    private void serveBatch(ServerRequest req, ServerResponse res, Principal principal, String cid,
                            Decoded.Batch batch, Optional<ProtocolVersion> headerVersion) {
        Optional<String> sessionId = req.headers().first(SESSION_ID);
        ProtocolVersion version = headerVersion.orElse(ProtocolVersion.V2025_03_26);
        if (sessionId.isPresent()) {
            Optional<HttpSession> session = sessions.find(sessionId.get(), principal);
            if (session.isPresent()) {
                version = session.get().protocolVersion();
            }
        }
        if (!version.allowsBatches()) {
            reject(res, Outcome.INVALID_REQUEST, "Invalid request: JSON-RPC batches are "
                    + "not supported from protocol 2025-06-18 on; send one message per POST");
            return;
        }
        if (batch.items().size() > MAX_BATCH_ITEMS) {
            reject(res, Outcome.INVALID_REQUEST, "Invalid request: a batch may hold at most "
                    + MAX_BATCH_ITEMS + " messages, this one holds " + batch.items().size() + "; split it");
            return;
        }
        boolean hasInitialize = batch.items().stream().anyMatch(item -> item instanceof Decoded.Single single
                && single.message() instanceof JsonRpcRequest request
                && request.method().equals(McpMethods.INITIALIZE));
        if (hasInitialize) {
            reject(res, Outcome.INVALID_REQUEST,
                   "Invalid request: initialize must not be part of a batch");
            return;
        }
        Optional<HttpSession> session = session(req, res, principal);
        if (session.isEmpty()) {
            return;
        }
        RequestContext context = new RequestContext(principal, cid, session.get(), ClientChannel.discarding());
        List<JsonRpcResponse> responses = new ArrayList<>();
        long responseBytes = 0;
        for (Decoded item : batch.items()) {
            if (responseBytes > MAX_BATCH_RESPONSE_BYTES) {
                // The answers so far are already this large: the rest are refused unanswered, not run.
                if (item instanceof Decoded.Single single && single.message() instanceof JsonRpcRequest request) {
                    responses.add(JsonRpcResponse.failure(request.id(), Outcome.BUSY.error(
                            "Not run: the batch's answers reached " + MAX_BATCH_RESPONSE_BYTES + " bytes; send the "
                            + "rest in another request")));
                }
                continue;
            }
            JsonRpcResponse answer = switch (item) {
                case Decoded.Malformed malformed -> malformed.response();
                case Decoded.Single single -> endpoint.handle(single.message(), context).orElse(null);
                case Decoded.Batch nested -> JsonRpcResponse.failure(JsonRpcId.NULL,
                        JsonRpcError.invalidRequest("Invalid request: batches cannot be nested"));
            };
            if (answer != null) {
                responses.add(answer);
                responseBytes += JsonRpcCodec.encode(answer).length;
            }
        }
        if (responses.isEmpty()) {
            res.status(Status.ACCEPTED_202).send();
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(JsonRpcCodec.encodeBatch(responses));
    }

    // ---- GET and DELETE -----------------------------------------------------------------------------------------

    private void get(ServerRequest req, ServerResponse res) {
        Optional<Principal> principal = admit(req, res);
        if (principal.isEmpty()) {
            return;
        }
        if (!accepts(req.headers().acceptedTypes(), EVENT_STREAM)) {
            reject(res, Outcome.NOT_ACCEPTABLE,
                   "Not Acceptable: the client must accept text/event-stream");
            return;
        }
        if (rejectUnsupportedProtocol(req, res)) {
            return;
        }
        Optional<HttpSession> session = session(req, res, principal.get());
        if (session.isEmpty()) {
            return;
        }
        SseStream stream = new SseStream();
        if (!session.get().attach(stream)) {
            reject(res, Outcome.STREAM_CONFLICT,
                   "Conflict: this session already has an open GET stream");
            return;
        }
        try {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            try (OutputStream out = res.outputStream()) {
                stream.serve(out, config.keepAliveInterval());
            } catch (IOException | UncheckedIOException e) {
                LOGGER.log(Level.DEBUG, "GET stream of a session ended: client went away");
            }
        } finally {
            session.get().detach(stream);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Optional<Principal> principal = admit(req, res);
        if (principal.isEmpty()) {
            return;
        }
        Optional<HttpSession> session = session(req, res, principal.get());
        if (session.isEmpty()) {
            return;
        }
        sessions.end(session.get().id(), principal.get());
        LOGGER.log(Level.INFO, () -> "session of " + principal.get().id() + " ended by the client");
        res.status(Status.NO_CONTENT_204).send();
    }

    private void methodNotAllowed(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.ALLOW, "GET, POST, DELETE");
        reject(res, Outcome.METHOD_NOT_ALLOWED,
               "Method Not Allowed: use POST, GET or DELETE");
    }

    // ---- shared checks ------------------------------------------------------------------------------------------

    /** The Host/Origin guard, then authentication; on failure the response is sent and empty returned. */
    private Optional<Principal> admit(ServerRequest req, ServerResponse res) {
        Optional<String> refusal = guard.check(req.headers().first(HeaderNames.HOST),
                                               req.headers().first(HeaderNames.ORIGIN));
        if (refusal.isPresent()) {
            reject(res, Outcome.FORBIDDEN, refusal.get());
            return Optional.empty();
        }
        AuthResult result = req.headers().first(HeaderNames.AUTHORIZATION).map(authenticator::authenticateHeader)
                .orElseGet(authenticator::withoutCredentials);
        return switch (result) {
            case AuthResult.Authenticated authenticated -> Optional.of(authenticated.principal());
            case AuthResult.Rejected rejected -> {
                boolean presented = req.headers().contains(HeaderNames.AUTHORIZATION);
                res.header(HeaderNames.WWW_AUTHENTICATE, presented
                        ? "Bearer realm=\"conduit\", error=\"invalid_token\""
                        : "Bearer realm=\"conduit\"");
                TransportMetrics.authFailure("http");
                reject(res, Outcome.UNAUTHENTICATED, rejected.reason());
                yield Optional.empty();
            }
        };
    }

    /** The session named by the request; on failure 400 (no header) or 404 (unknown) is sent and empty returned. */
    private Optional<HttpSession> session(ServerRequest req, ServerResponse res, Principal principal) {
        Optional<String> id = req.headers().first(SESSION_ID);
        if (id.isEmpty() || id.get().isBlank()) {
            reject(res, Outcome.BAD_REQUEST,
                   "Bad Request: the Mcp-Session-Id header is required; call initialize first");
            return Optional.empty();
        }
        Optional<HttpSession> session = sessions.find(id.get().trim(), principal);
        if (session.isEmpty()) {
            reject(res, Outcome.SESSION_NOT_FOUND,
                   "Session not found: it ended or expired; initialize a new session");
        }
        return session;
    }

    /** The version named by the MCP-Protocol-Version header; empty when absent or unsupported. */
    private static Optional<ProtocolVersion> protocolHeader(ServerRequest req) {
        return req.headers().first(PROTOCOL_VERSION).flatMap(value -> ProtocolVersion.fromWire(value.trim()));
    }

    /** Answers 400 (-32022) and returns true when the MCP-Protocol-Version header names a version this server lacks. */
    private static boolean rejectUnsupportedProtocol(ServerRequest req, ServerResponse res) {
        Optional<String> header = req.headers().first(PROTOCOL_VERSION).map(String::trim);
        if (header.isEmpty() || ProtocolVersion.fromWire(header.get()).isPresent()) {
            return false;
        }
        rejectWith(res, Status.create(Outcome.UNSUPPORTED_PROTOCOL_VERSION.httpStatus()),
                   ProtocolVersion.unsupported(header.get()));
        return true;
    }

    /** The body, at most the configured size; on failure 413 is sent and empty returned. */
    private Optional<byte[]> readBody(ServerRequest req, ServerResponse res) throws IOException {
        long max = config.maxBodyBytes();
        if (req.headers().contentLength().orElse(0) > max) {
            reject(res, Outcome.BODY_TOO_LARGE,
                   "Request body too large: the limit is " + max + " bytes");
            return Optional.empty();
        }
        // A body that does not arrive in time ends the connection: interrupting a virtual thread blocked in a socket
        // channel read closes the channel. (Helidon 4.5.0's read timeout does not hold for NIO listeners.)
        Thread reader = Thread.currentThread();
        Deadlines.Deadline cutOff = deadlines.after(config.bodyTimeout(), fired -> reader.interrupt());
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = readAtMost(in, req.headers().contentLength().orElse(-1), max);
        } catch (IOException | RuntimeException e) {
            throw new ClientGoneException(cutOff.fired() ? "its request body did not arrive within "
                                                            + config.bodyTimeout().toMillis() + " ms"
                                                          : "it closed the connection mid-request");
        } finally {
            cutOff.cancel();
            Thread.interrupted(); // an interrupt that came after the read is not meant for what follows
        }
        if (body.length > max) {
            reject(res, Outcome.BODY_TOO_LARGE,
                   "Request body too large: the limit is " + max + " bytes");
            return Optional.empty();
        }
        return Optional.of(body);
    }

    /** The client went away, or stalled, before its request was complete: an ordinary event, not a failure of ours. */
    private static final class ClientGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientGoneException(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The body: with a Content-Length (the stream ends there), read into an array of that size; without one (chunked),
     * up to {@code max + 1} bytes, so that a larger body shows. Reading "up to max + 1" for every request zeroed and
     * copied 16 KB buffers for bodies of a hundred bytes (5 % of an HTTP ping's CPU).
     */
    private static byte[] readAtMost(InputStream in, long contentLength, long max) throws IOException {
        if (contentLength < 0) {
            return in.readNBytes((int) max + 1);
        }
        byte[] body = new byte[(int) contentLength];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
            throw new IOException("the body ended after " + read + " of " + contentLength + " bytes");
        }
        return body;
    }

    private static boolean isJson(Optional<HttpMediaType> contentType) {
        return contentType.map(type -> type.mediaType().type().equalsIgnoreCase("application")
                                       && type.mediaType().subtype().equalsIgnoreCase("json"))
                .orElse(false);
    }

    /**
     * Whether the client accepts both JSON and event streams. The Accept values the SDKs send are recognised as they
     * are; anything else is parsed (parsing every request's was 4 % of an HTTP ping's CPU).
     */
    private static boolean acceptsJsonAndEvents(ServerRequestHeaders headers) {
        if (headers.contains(HeaderNames.ACCEPT)) {
            Header accept = headers.get(HeaderNames.ACCEPT);
            if (accept.valueCount() == 1 && USUAL_ACCEPT.contains(accept.get())) {
                return true;
            }
        }
        List<HttpMediaType> accepted = headers.acceptedTypes();
        return accepts(accepted, MediaTypes.APPLICATION_JSON) && accepts(accepted, EVENT_STREAM);
    }

    private static boolean accepts(List<HttpMediaType> accepted, MediaType wanted) {
        return accepted.stream().anyMatch(type -> type.test(wanted));
    }

    /** Answers {@code outcome} with its HTTP status and JSON-RPC code, from the one table of outcomes. */
    private static void reject(ServerResponse res, Outcome outcome, String message) {
        rejectWith(res, Status.create(outcome.httpStatus()), outcome.error(message));
    }

    private static void rejectWith(ServerResponse res, Status status, JsonRpcError error) {
        rejectWith(res, status, error, JsonRpcId.NULL);
    }

    private static void rejectWith(ServerResponse res, Status status, JsonRpcError error, JsonRpcId id) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(JsonRpcCodec.encode(JsonRpcResponse.failure(id, error)));
    }

    private static void logOutcome(String cid, Principal principal, JsonRpcRequest request, JsonRpcResponse response) {
        LOGGER.log(Level.DEBUG, () -> "[" + cid + "] " + principal.id() + " " + request.method() + " -> "
                + (response instanceof JsonRpcResponse.Failure failure ? "error " + failure.error().code() : "ok"));
    }

    /** Reads W3C trace context from request headers. */
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequestHeaders carrier) {
            return carrier.stream().map(header -> header.name()).toList();
        }

        @Override
        public String get(ServerRequestHeaders carrier, String key) {
            return carrier == null ? null : carrier.first(HeaderNames.create(key)).orElse(null);
        }
    };

    /** The response header that carries the request's correlation id. */
    public static final String CORRELATION_HEADER = "Conduit-Correlation-Id";
    private static final HeaderName CORRELATION = HeaderNames.create(CORRELATION_HEADER);

    private static String correlationId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
