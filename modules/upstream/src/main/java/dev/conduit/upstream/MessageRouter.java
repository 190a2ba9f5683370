package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.conduit.core.Cancellation;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every upstream connection does with the messages a server sends, whatever carries them (a child's stdout, an
 * SSE stream, a POST response): responses complete the request waiting for their id, whatever the order;
 * notifications go to the listener; the server's own requests are answered ({@code ping} here, the rest by the
 * listener, off the reading thread). When the connection dies every waiting request fails at once. Thread-safe.
 *
 * <p>Which client request a server's message belongs to: over Streamable HTTP, one that arrives on the response
 * stream of our request belongs to that request's client (exact). Over stdio and legacy SSE the wire says nothing,
 * so a server request is given to the one client session whose requests are in flight on this connection (its
 * latest request) and to nobody when several sessions' are (which one asked could only be guessed); a notification
 * other than progress is given to nobody.
 */
final class MessageRouter {
    private static final System.Logger LOGGER = System.getLogger(MessageRouter.class.getName());

    private final String upstreamId;
    private final McpConnection.Listener listener;
    private final Consumer<JsonRpcResponse> answers;
    private final Map<Long, Call> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String closedReason;

    /** Puts one message on the wire towards the server. */
    @FunctionalInterface
    interface Transmitter {
        void send(JsonRpcMessage message) throws UpstreamException;
    }

    /**
     * A whole request over a connection whose responses arrive through {@link #dispatch}: sends it, waits up to
     * {@code timeout}, and tells the server when the client cancels or the time runs out.
     */
    JsonRpcResponse request(String method, JsonNode params, Duration timeout, Optional<RequestContext> cause,
                            Transmitter transmitter) throws UpstreamException {
        Call call = open(cause);
        cancelWith(call, (id, why) -> tellCancelled(transmitter, id, why));
        try {
            transmitter.send(new JsonRpcRequest(call.id(), method, params));
        } catch (UpstreamException e) {
            forget(call);
            throw e;
        }
        return await(call, method, timeout, why -> tellCancelled(transmitter, call.id(), why));
    }

    private void tellCancelled(Transmitter transmitter, JsonRpcId id, String reason) {
        try {
            transmitter.send(new JsonRpcNotification(McpMethods.CANCELLED, cancelled(id, reason)));
        } catch (UpstreamException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not pass a cancellation on");
        }
    }

    /** One request waiting for its response, sent on behalf of {@code cause}. */
    record Call(JsonRpcId id, CompletableFuture<JsonRpcResponse> answer, Optional<RequestContext> cause) {
    }

    /**
     * @param answers sends this client's answers to the server's requests
     */
    MessageRouter(String upstreamId, McpConnection.Listener listener, Consumer<JsonRpcResponse> answers) {
        this.upstreamId = upstreamId;
        this.listener = listener;
        this.answers = answers;
    }

    /** A new request id, registered to receive its response; refused once the connection is closed. */
    Call open(Optional<RequestContext> cause) throws UpstreamException {
        String reason = closedReason;
        if (reason != null) {
            throw new UpstreamException(reason);
        }
        long id = ids.incrementAndGet();
        Call call = new Call(JsonRpcId.of(id), new CompletableFuture<>(), cause);
        pending.put(id, call);
        return call;
    }

    /**
     * Waits for the response of {@code call}; when it times out or the waiting thread is interrupted (an engine
     * stopping the program that made the call), gives {@code abandon} the reason (to tell the server) and fails.
     * The call is forgotten afterwards in every case.
     */
    JsonRpcResponse await(Call call, String method, Duration timeout, Consumer<String> abandon)
            throws UpstreamException {
        try {
            return call.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveUp(call);
            abandon.accept("timed out in the Conduit gateway");
            throw new UpstreamException("upstream '" + upstreamId + "' did not answer " + method + " within "
                                        + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new UpstreamException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(call);
            abandon.accept("the program that made the call was stopped");
            throw new UpstreamException("the call to upstream '" + upstreamId + "' was interrupted");
        } finally {
            forget(call);
        }
    }

    /** Ends {@code call} unanswered, so that a later cancellation of its cause does not tell the server again. */
    private void giveUp(Call call) {
        call.answer().completeExceptionally(new UpstreamException("the call to upstream '" + upstreamId
                                                                  + "' was given up on"));
    }

    /**
     * Makes a cancellation of the call's cause fail {@code call} at once, after {@code tellServer} has passed the
     * cancellation on (with the request id the server knows, and the cancellation's reason).
     */
    void cancelWith(Call call, BiConsumer<JsonRpcId, String> tellServer) {
        if (call.cause().isEmpty()) {
            return;
        }
        Cancellation cancellation = call.cause().get().cancellation();
        Cancellation.Registration registration = cancellation.onCancel(() -> {
            if (!call.answer().isDone()) {
                tellServer.accept(call.id(), cancellation.reason().orElse("cancelled by the client"));
                call.answer().completeExceptionally(new UpstreamException("the call to upstream '" + upstreamId
                        + "' was cancelled (" + cancellation.reason().orElse("cancelled") + ")"));
            }
        });
        call.answer().whenComplete((answer, failure) -> registration.close()); // a program makes many calls
    }

    /** The params of {@code notifications/cancelled} for request {@code id}. */
    static ObjectNode cancelled(JsonRpcId id, String reason) {
        ObjectNode params = Json.object();
        params.set("requestId", id.toJson());
        params.put("reason", reason);
        return params;
    }

    /** Stops waiting for {@code call}. */
    void forget(Call call) {
        if (call.id() instanceof JsonRpcId.Num(long id)) {
            pending.remove(id);
        }
    }

    /**
     * Routes one message from the server.
     *
     * @param related the request on whose response stream it came, if it did
     */
    void dispatch(byte[] message, Optional<JsonRpcId> related) {
        switch (JsonRpcCodec.decode(message)) {
            case JsonRpcCodec.Decoded.Single single -> {
                switch (single.message()) {
                    case JsonRpcResponse response -> complete(response);
                    case JsonRpcNotification notification -> listener.onNotification(notification,
                                                                                      related.flatMap(this::causeOf));
                    case JsonRpcRequest request when request.method().equals(McpMethods.PING) ->
                            answers.accept(JsonRpcResponse.success(request.id(), Json.object()));
                    case JsonRpcRequest request -> {
                        // Answering may wait for a person (elicitation): never on the thread that reads responses.
                        Optional<RequestContext> cause = related.flatMap(this::causeOf).or(this::soleSession);
                        Thread.ofVirtual().name("upstream-" + upstreamId + "-asks").start(() -> answers.accept(
                                listener.onRequest(request, cause)));
                    }
                }
            }
            case JsonRpcCodec.Decoded.Malformed malformed -> LOGGER.log(Level.WARNING, "upstream '" + upstreamId
                    + "' sent a message that is not JSON-RPC: " + malformed.error().message());
            case JsonRpcCodec.Decoded.Batch batch -> LOGGER.log(Level.WARNING, "upstream '" + upstreamId
                    + "' sent a batch, which this client does not accept; ignored");
        }
    }

    private Optional<RequestContext> causeOf(JsonRpcId related) {
        return related instanceof JsonRpcId.Num(long id)
                ? Optional.ofNullable(pending.get(id)).flatMap(Call::cause) : Optional.empty();
    }

    /**
     * The latest in-flight request's cause when every in-flight request with a cause (leaving out those blocked on
     * a question to their client) is one session's.
     */
    private Optional<RequestContext> soleSession() {
        List<Call> calls = pending.values().stream().filter(call -> call.cause().isPresent())
                .filter(call -> !listener.waitingForClient(call.cause().get()))
                .sorted(Comparator.comparing(call -> ((JsonRpcId.Num) call.id()).value())).toList();
        long sessions = calls.stream().map(call -> call.cause().get().session()).distinct().count();
        return sessions == 1 ? calls.getLast().cause() : Optional.empty();
    }

    private void complete(JsonRpcResponse response) {
        Call waiting = response.id() instanceof JsonRpcId.Num(long id) ? pending.get(id) : null;
        if (waiting != null) {
            waiting.answer().complete(response);
        } else {
            LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "' answered " + response.id()
                                          + ", which nothing waits for");
        }
    }

    /**
     * Fails the one request waiting for {@code id} with {@code reason} (its answer could not be read).
     *
     * @return whether a request was waiting for it
     */
    boolean fail(JsonRpcId id, String reason) {
        Call waiting = id instanceof JsonRpcId.Num(long value) ? pending.get(value) : null;
        return waiting != null && waiting.answer().completeExceptionally(new UpstreamException(reason));
    }

    /** Marks the connection dead and fails every waiting request with {@code reason}. */
    void failAll(String reason) {
        if (closedReason == null) {
            closedReason = reason;
        }
        pending.values().forEach(call -> call.answer().completeExceptionally(new UpstreamException(closedReason)));
    }

    /** Why the connection is dead, if it is. */
    Optional<String> closedReason() {
        return Optional.ofNullable(closedReason);
    }
}
