package dev.conduit.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.conduit.core.Cancellation;
import dev.conduit.core.McpMeta;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpNameHeader;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.trace.Tracing;
import dev.conduit.policy.AddressPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import tools.jackson.databind.JsonNode;

/**
 * An upstream MCP server over Streamable HTTP (2025-03-26 and later), through Helidon's WebClient.
 * <ul>
 *     <li>The URL is checked by the {@link AddressPolicy} once, when the connection opens, and every request then
 *     goes to the address that was checked ({@link PinnedClients}); redirects are refused.</li>
 *     <li>Each request is one POST; the answer is JSON, or an SSE stream carrying notifications and server requests
 *     (answered by the {@link MessageRouter}) before the response.</li>
 *     <li>The session id from {@code initialize} and the negotiated version go on every later request; a 404 or 400
 *     with a session (the server restarted and forgot it) makes it initialize again, once, and repeat the request.
 *     A 401 fetches a new OAuth2 token, once.</li>
 *     <li>A GET stream, when the server offers one, brings server-initiated notifications such as
 *     {@code tools/list_changed}.</li>
 *     <li>A request of the 2026-07-28 era (its {@code _meta} names the version; see {@link ModernConnection}) has no
 *     session and carries the headers that era requires: {@code MCP-Protocol-Version}, {@code Mcp-Method},
 *     {@code Mcp-Name}.</li>
 * </ul>
 */
final class HttpConnection implements McpConnection {
    private static final System.Logger LOGGER = System.getLogger(HttpConnection.class.getName());
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final int MAX_RESUMES = 100;
    private static final Duration MIN_RESUME_DELAY = Duration.ofMillis(100);

    private final String upstreamId;
    private final UpstreamConfig.Http spec;
    private final WebClient client;
    private final MessageRouter router;
    private final TokenSource tokens;
    private final int maxMessageBytes;
    private final Duration timeout;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile JsonNode initializeParams;
    private volatile boolean closed;
    private volatile Thread getStream;

    private HttpConnection(String upstreamId, UpstreamConfig.Http spec, AddressPolicy.Allowed target, Duration timeout,
                           int maxMessageBytes, Listener listener, TokenSource tokens) {
        this.upstreamId = upstreamId;
        this.spec = spec;
        this.router = new MessageRouter(upstreamId, listener, this::answer);
        this.maxMessageBytes = maxMessageBytes;
        this.timeout = timeout;
        this.tokens = tokens;
        this.client = PinnedClients.create(target, timeout);
    }

    /**
     * Checks the URL against {@code policy} and prepares the connection; nothing is sent until the first request.
     *
     * @throws UpstreamException when the policy refuses the URL
     */
    static HttpConnection open(String upstreamId, UpstreamConfig.Http spec, AddressPolicy policy, Duration timeout,
                               int maxMessageBytes, Listener listener, TokenSource tokens) throws UpstreamException {
        return switch (policy.check(spec.url())) {
            case AddressPolicy.Allowed allowed -> new HttpConnection(upstreamId, spec, allowed, timeout, maxMessageBytes,
                                                                     listener, tokens);
            case AddressPolicy.Refused refused -> throw new UpstreamException("upstream '" + upstreamId
                    + "' is not reachable under the outbound policy: " + refused.reason());
        };
    }

    @Override
    public JsonRpcResponse request(String method, JsonNode params, Duration deadline, Optional<RequestContext> cause)
            throws UpstreamException {
        return request(method, params, deadline, cause, Map.of());
    }

    @Override
    public JsonRpcResponse request(String method, JsonNode params, Duration deadline, Optional<RequestContext> cause,
                                   Map<String, String> headers) throws UpstreamException {
        if (closed) {
            throw new UpstreamException("upstream '" + upstreamId + "' connection is closed");
        }
        if (method.equals(McpMethods.INITIALIZE)) {
            initializeParams = params;
        }
        boolean mayReinitialize = !method.equals(McpMethods.INITIALIZE);
        Exchange exchange = () -> call(method, params, deadline, mayReinitialize, cause, headers);
        JsonRpcResponse response = cause.isEmpty() ? exchange.run() : cancellable(cause.get(), exchange);
        if (method.equals(McpMethods.INITIALIZE) && response instanceof JsonRpcResponse.Success success) {
            protocolVersion = success.result().path("protocolVersion").asString(null);
            startGetStream();
        }
        return response;
    }

    /** An exchange, as {@link #call} makes it. */
    @FunctionalInterface
    private interface Exchange {
        JsonRpcResponse run() throws UpstreamException;
    }

    /**
     * A request on behalf of a client's request, made on a virtual thread of its own so that its caller is free the
     * moment the cause is cancelled or the caller's thread is interrupted (an engine stopping the program that made
     * the call), whatever the exchange is doing: a call given up on closes its response stream once it has one
     * ({@link #post}), but until the server's headers arrive there is nothing to close, and a platform thread
     * blocked in a socket read does not see an interrupt. The server is told by {@link MessageRouter#cancelWith}, as
     * for every call.
     */
    private JsonRpcResponse cancellable(RequestContext cause, Exchange exchange) throws UpstreamException {
        CompletableFuture<JsonRpcResponse> outcome = new CompletableFuture<>();
        Thread.ofVirtual().name("upstream-" + upstreamId + "-request").start(Tracing.carrying(() -> {
            try {
                outcome.complete(exchange.run());
            } catch (UpstreamException | RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        }));
        Cancellation cancellation = cause.cancellation();
        try (Cancellation.Registration _ = cancellation.onCancel(() -> outcome.completeExceptionally(
                new UpstreamException("the call to upstream '" + upstreamId + "' was cancelled ("
                                      + cancellation.reason().orElse("cancelled") + ")")))) {
            return outcome.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException failed) {
                throw failed;
            }
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("the call to upstream '" + upstreamId + "' was interrupted");
        }
    }

    private JsonRpcResponse call(String method, JsonNode params, Duration deadline, boolean mayReinitialize,
                                 Optional<RequestContext> cause, Map<String, String> headers)
            throws UpstreamException {
        MessageRouter.Call call = router.open(cause);
        router.cancelWith(call, (id, why) -> notify(McpMethods.CANCELLED, MessageRouter.cancelled(id, why)));
        try {
            JsonRpcRequest request = new JsonRpcRequest(call.id(), method, params);
            int status = exchange(request, deadline, call, headers);
            if (sessionGone(status) && mayReinitialize) {
                LOGGER.log(Level.INFO, "upstream '" + upstreamId + "' no longer knows the session (HTTP " + status
                                       + "); initializing again");
                sessionId = null;
                reinitialize(deadline);
                int again = exchange(request, deadline, call, headers);
                if (again >= 400) {
                    throw new UpstreamException("upstream '" + upstreamId + "' answered HTTP " + again
                                                + " in a new session too");
                }
            }
            if (!call.answer().isDone()) {
                throw new UpstreamException("upstream '" + upstreamId + "' answered " + method
                                            + " without a JSON-RPC response");
            }
            return router.await(call, method, deadline, why -> { });
        } finally {
            router.forget(call);
        }
    }

    /**
     * Whether a status means the server has forgotten our session: 404 is the specification's answer, and servers of
     * the official SDKs answer 400 ("Server not initialized", "No valid session ID") after they restart.
     */
    private boolean sessionGone(int status) {
        return (status == 404 || status == 400) && sessionId != null;
    }

    private void reinitialize(Duration deadline) throws UpstreamException {
        JsonNode params = initializeParams;
        if (params == null) {
            throw new UpstreamException("upstream '" + upstreamId + "' lost the session before it was initialized");
        }
        JsonRpcResponse initialized = call(McpMethods.INITIALIZE, params, deadline, false, Optional.empty(),
                                           Map.of());
        if (!(initialized instanceof JsonRpcResponse.Success)) {
            throw new UpstreamException("upstream '" + upstreamId + "' refused to initialize a new session");
        }
        notify(McpMethods.INITIALIZED, Json.object());
        startGetStream(); // the old session's stream ended with it
    }

    @Override
    public void notify(String method, JsonNode params) {
        try {
            exchange(new JsonRpcNotification(method, params), timeout, null, Map.of());
        } catch (UpstreamException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not send " + method + ": " + e.getMessage());
        }
    }

    /**
     * One POST (repeated once with a new OAuth2 token after a 401); returns the HTTP status. {@code call} is the
     * request's own, whose answer ends the reading of a response stream; null for a notification or an answer.
     */
    private int exchange(JsonRpcMessage message, Duration deadline, MessageRouter.Call call,
                         Map<String, String> headers) throws UpstreamException {
        int status = post(message, deadline, call, headers);
        if (status == 401 && tokens.invalidate()) {
            LOGGER.log(Level.INFO, "upstream '" + upstreamId + "' refused the access token; fetching a new one");
            status = post(message, deadline, call, headers);
        }
        if (status == 401) {
            throw new UpstreamException("upstream '" + upstreamId + "' refused the request (HTTP 401); check its "
                                        + "credentials");
        }
        return status;
    }

    private int post(JsonRpcMessage message, Duration deadline, MessageRouter.Call call, Map<String, String> headers)
            throws UpstreamException {
        HttpClientRequest post = client.post().uri(spec.url()).readTimeout(deadline);
        post.header(HeaderNames.CONTENT_TYPE, "application/json");
        post.header(HeaderNames.ACCEPT, ACCEPT);
        headers(post);
        modernHeaders(post, message);
        headers.forEach((name, value) -> post.header(HeaderNames.create(name), value));
        try (HttpClientResponse response = post.submit(JsonRpcCodec.encode(message))) {
            int status = response.status().code();
            if (message instanceof JsonRpcRequest request && request.method().equals(McpMethods.INITIALIZE)) {
                response.headers().first(HeaderNames.create("Mcp-Session-Id")).ifPresent(id -> sessionId = id);
            }
            if (status == 202 || status == 204 || status == 401 || sessionGone(status)) {
                return status;
            }
            if (status >= 300 && status < 400) {
                throw new UpstreamException("upstream '" + upstreamId + "' answered with a redirect (HTTP " + status
                                            + "), which Conduit does not follow");
            }
            if (status == 403) {
                throw new UpstreamException("upstream '" + upstreamId + "' refused the request (HTTP 403); check its "
                                            + "credentials");
            }
            if (status >= 400 && status < 500 && call != null && refusal(response, call)) {
                return status; // a JSON-RPC error in the body (an unsupported version, a header mismatch)
            }
            if (status != 200) {
                throw new UpstreamException("upstream '" + upstreamId + "' answered HTTP " + status);
            }
            boolean stream = response.headers().contentType().map(HttpMediaType::mediaType)
                    .map(type -> type.subtype().equalsIgnoreCase("event-stream")).orElse(false);
            if (stream) {
                // What arrives on a request's own stream belongs to that request (its sampling, its log messages).
                Optional<JsonRpcId> related = call == null ? Optional.empty() : Optional.of(call.id());
                if (call != null) {
                    // A server told that a request is cancelled sends nothing more on its stream, and may never
                    // end it: a call given up on closes its stream, so that neither the connection nor the thread
                    // reading it waits for the read timeout.
                    call.answer().whenComplete((answer, failure) -> {
                        if (failure != null) {
                            Thread.ofVirtual().name("upstream-" + upstreamId + "-abandon").start(response::close);
                        }
                    });
                }
                SseReader.Position end = SseReader.read(response.inputStream(), maxMessageBytes,
                                                        event -> router.dispatch(event, related),
                                                        () -> call == null || call.answer().isDone());
                if (call != null && !call.answer().isDone() && end.lastEventId().isPresent()) {
                    resume(call, end, deadline);
                }
            } else {
                readJson(response.inputStream());
            }
            return status;
        } catch (UncheckedIOException | IOException e) {
            throw givenUp(call).orElseGet(() -> new UpstreamException("upstream '" + upstreamId + "' connection failed: "
                                                                      + describe(e), e));
        } catch (RuntimeException e) {
            Optional<UpstreamException> why = givenUp(call);
            if (why.isPresent()) {
                throw why.get();
            }
            if (e.getCause() instanceof java.net.SocketTimeoutException) {
                throw new UpstreamException("upstream '" + upstreamId + "' did not answer within "
                                            + deadline.toMillis() + " ms", e);
            }
            throw new UpstreamException("upstream '" + upstreamId + "' connection failed: " + describe(e), e);
        }
    }

    /** Why {@code call} was given up on (cancelled, timed out), when it was: its stream was closed for that reason. */
    private static Optional<UpstreamException> givenUp(MessageRouter.Call call) {
        if (call != null && call.answer().isCompletedExceptionally()
            && call.answer().exceptionNow() instanceof UpstreamException why) {
            return Optional.of(why);
        }
        return Optional.empty();
    }

    /**
     * The server closed the stream of {@code call} before its response (SSE polling, SEP-1699): reconnects with GET
     * and {@code Last-Event-ID} after the delay the server asked for, as often as the server closes it again, until
     * the response arrives, the server stops offering a stream, or the call's time is up.
     */
    private void resume(MessageRouter.Call call, SseReader.Position stopped, Duration deadline)
            throws UpstreamException {
        long until = System.nanoTime() + deadline.toNanos();
        SseReader.Position at = stopped;
        for (int attempt = 0; !call.answer().isDone() && System.nanoTime() < until; attempt++) {
            if (attempt == MAX_RESUMES) {
                throw new UpstreamException("upstream '" + upstreamId + "' closed the stream of a call "
                                            + MAX_RESUMES + " times without answering");
            }
            try {
                // A server that asks for no delay still gets a short one after the first resume: never a tight loop.
                Thread.sleep(attempt > 0 && at.retry().compareTo(MIN_RESUME_DELAY) < 0 ? MIN_RESUME_DELAY : at.retry());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException("the call to upstream '" + upstreamId + "' was interrupted");
            }
            HttpClientRequest get = client.get().uri(spec.url()).readTimeout(deadline);
            get.header(HeaderNames.ACCEPT, "text/event-stream");
            get.header(HeaderNames.create("Last-Event-ID"), at.lastEventId().get());
            headers(get);
            try (HttpClientResponse response = get.request()) {
                if (response.status().code() != 200) {
                    throw new UpstreamException("upstream '" + upstreamId + "' closed the stream of a call and "
                                                + "refused to resume it (HTTP " + response.status().code() + ")");
                }
                LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "': resuming a call's stream");
                SseReader.Position next = SseReader.read(response.inputStream(), maxMessageBytes,
                                                         event -> router.dispatch(event, Optional.of(call.id())),
                                                         () -> call.answer().isDone());
                at = next.lastEventId().isPresent() ? next : new SseReader.Position(at.lastEventId(), next.retry());
            } catch (IOException | UncheckedIOException e) {
                throw new UpstreamException("upstream '" + upstreamId + "' connection failed while resuming a call: "
                                            + describe(e), e);
            }
        }
    }

    private void headers(HttpClientRequest request) throws UpstreamException {
        spec.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
        tokens.header().ifPresent(header -> request.header(HeaderNames.create(header.getKey()), header.getValue()));
        String session = sessionId;
        if (session != null) {
            request.header(HeaderNames.create("Mcp-Session-Id"), session);
        }
        String version = protocolVersion;
        if (version != null) {
            request.header(HeaderNames.create("MCP-Protocol-Version"), version);
        }
        Tracing.traceparent().ifPresent(parent -> request.header(HeaderNames.create("traceparent"), parent));
    }

    /**
     * A modern (2026-07-28) request repeats in headers what its body says, for balancers: the protocol version of its
     * {@code _meta}, the method, and the name or URI it is about. The body says which era a message is of, so the
     * connection itself keeps no era.
     */
    private static void modernHeaders(HttpClientRequest post, JsonRpcMessage message) {
        String method;
        JsonNode params;
        switch (message) {
            case JsonRpcRequest request -> {
                method = request.method();
                params = request.params();
            }
            case JsonRpcNotification notification -> {
                method = notification.method();
                params = notification.params();
            }
            default -> {
                return;
            }
        }
        JsonNode version = params.path("_meta").path(McpMeta.PROTOCOL_VERSION);
        if (!version.isString()) {
            return;
        }
        post.header(HeaderNames.create("MCP-Protocol-Version"), version.stringValue());
        post.header(HeaderNames.create("Mcp-Method"), method);
        McpNameHeader.valueOf(method, params).ifPresent(name -> post.header(HeaderNames.create(McpNameHeader.NAME),
                                                                            McpNameHeader.encode(name)));
    }

    /**
     * Takes a JSON-RPC error in the body of a 4xx answer as the answer to {@code call} (servers of the 2026 era send
     * their protocol errors so, and the official SDKs' 2025 servers do for a request they cannot place).
     *
     * @return false when the body is not a JSON-RPC error
     */
    private boolean refusal(HttpClientResponse response, MessageRouter.Call call) throws IOException {
        byte[] bytes = response.inputStream().readNBytes(Math.min(maxMessageBytes, 64 * 1024));
        if (JsonRpcCodec.decode(bytes) instanceof JsonRpcCodec.Decoded.Single single
            && single.message() instanceof JsonRpcResponse.Failure failure) {
            call.answer().complete(JsonRpcResponse.failure(call.id(), failure.error()));
            return true;
        }
        return false;
    }

    private void readJson(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(maxMessageBytes + 1);
        if (bytes.length > maxMessageBytes) {
            throw new IOException("a response larger than " + maxMessageBytes + " bytes");
        }
        if (bytes.length > 0) {
            router.dispatch(bytes, Optional.empty());
        }
    }

    /** Sends this client's answer to a server request, off the reading thread. */
    private void answer(JsonRpcResponse answer) {
        Thread.ofVirtual().name("upstream-" + upstreamId + "-answer").start(() -> {
            try {
                exchange(answer, timeout, null, Map.of());
            } catch (UpstreamException e) {
                LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not answer a request of the server");
            }
        });
    }

    /** Opens the GET stream for server-initiated messages; servers without one answer 405 and are left alone. */
    private synchronized void startGetStream() {
        if (getStream != null && getStream.isAlive()) {
            return;
        }
        getStream = Thread.ofVirtual().name("upstream-" + upstreamId + "-get").start(() -> {
            HttpClientRequest get = client.get().uri(spec.url()).readTimeout(Duration.ofDays(1));
            get.header(HeaderNames.ACCEPT, "text/event-stream");
            try {
                headers(get);
            } catch (UpstreamException e) {
                return;
            }
            try (HttpClientResponse response = get.request()) {
                if (response.status().code() == 200) {
                    SseReader.read(response.inputStream(), maxMessageBytes, event -> router.dispatch(event, Optional.empty()),
                                   () -> closed);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': GET stream ended: " + describe(e));
                }
            }
        });
    }

    @Override
    public boolean alive() {
        return !closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        router.failAll("upstream '" + upstreamId + "' was shut down");
        String session = sessionId;
        if (session != null) {
            try (HttpClientResponse response = client.delete().uri(spec.url())
                    .header(HeaderNames.create("Mcp-Session-Id"), session)
                    .readTimeout(Duration.ofSeconds(2)).request()) {
                LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': session ended with HTTP "
                                        + response.status().code());
            } catch (RuntimeException e) {
                LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': ending the session failed: " + describe(e));
            }
        }
        Thread stream = getStream;
        if (stream != null) {
            stream.interrupt();
        }
    }

    static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
