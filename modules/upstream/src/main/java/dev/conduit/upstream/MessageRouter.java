package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.conduit.core.Cancellation;
import dev.conduit.core.McpMethods;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcCodec;
import dev.conduit.core.jsonrpc.JsonRpcError;
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
 * notifications go to the listener; the server's own requests are answered ({@code ping}, and a clear refusal of
 * what this client does not offer). When the connection dies every waiting request fails at once. Thread-safe.
 */
final class MessageRouter {
    private static final System.Logger LOGGER = System.getLogger(MessageRouter.class.getName());

    private final String upstreamId;
    private final McpConnection.Listener listener;
    private final Consumer<JsonRpcResponse> answers;
    private final Map<Long, CompletableFuture<JsonRpcResponse>> pending = new ConcurrentHashMap<>();
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
    JsonRpcResponse request(String method, JsonNode params, Duration timeout, Cancellation cancellation,
                            Transmitter transmitter) throws UpstreamException {
        Call call = open();
        cancelWith(call, cancellation, id -> tellCancelled(transmitter, id, "cancelled by the client"));
        try {
            transmitter.send(new JsonRpcRequest(call.id(), method, params));
        } catch (UpstreamException e) {
            forget(call);
            throw e;
        }
        return await(call, method, timeout, () -> tellCancelled(transmitter, call.id(),
                                                                "timed out in the Conduit gateway"));
    }

    private void tellCancelled(Transmitter transmitter, JsonRpcId id, String reason) {
        try {
            transmitter.send(new JsonRpcNotification(McpMethods.CANCELLED, cancelled(id, reason)));
        } catch (UpstreamException e) {
            LOGGER.log(Level.DEBUG, "upstream '" + upstreamId + "': could not pass a cancellation on");
        }
    }

    /** One request waiting for its response. */
    record Call(JsonRpcId id, CompletableFuture<JsonRpcResponse> answer) {
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
    Call open() throws UpstreamException {
        String reason = closedReason;
        if (reason != null) {
            throw new UpstreamException(reason);
        }
        long id = ids.incrementAndGet();
        CompletableFuture<JsonRpcResponse> answer = new CompletableFuture<>();
        pending.put(id, answer);
        return new Call(JsonRpcId.of(id), answer);
    }

    /**
     * Waits for the response of {@code call}; on timeout runs {@code onTimeout} (to tell the server) and fails.
     * The call is forgotten afterwards in every case.
     */
    JsonRpcResponse await(Call call, String method, Duration timeout, Runnable onTimeout) throws UpstreamException {
        try {
            return call.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            onTimeout.run();
            throw new UpstreamException("upstream '" + upstreamId + "' did not answer " + method + " within "
                                        + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new UpstreamException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("the call to upstream '" + upstreamId + "' was interrupted");
        } finally {
            forget(call);
        }
    }

    /**
     * Makes a cancellation by the client fail {@code call} at once, after {@code tellServer} has passed the
     * cancellation on (with the request id the server knows).
     */
    void cancelWith(Call call, Cancellation cancellation, Consumer<JsonRpcId> tellServer) {
        Cancellation.Registration registration = cancellation.onCancel(() -> {
            if (!call.answer().isDone()) {
                tellServer.accept(call.id());
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

    /** Routes one message from the server. */
    void dispatch(byte[] message) {
        switch (JsonRpcCodec.decode(message)) {
            case JsonRpcCodec.Decoded.Single single -> {
                switch (single.message()) {
                    case JsonRpcResponse response -> complete(response);
                    case JsonRpcNotification notification -> listener.onNotification(notification);
                    case JsonRpcRequest request -> answers.accept(answer(request));
                }
            }
            case JsonRpcCodec.Decoded.Malformed malformed -> LOGGER.log(Level.WARNING, "upstream '" + upstreamId
                    + "' sent a message that is not JSON-RPC: " + malformed.error().message());
            case JsonRpcCodec.Decoded.Batch batch -> LOGGER.log(Level.WARNING, "upstream '" + upstreamId
                    + "' sent a batch, which this client does not accept; ignored");
        }
    }

    private void complete(JsonRpcResponse response) {
        CompletableFuture<JsonRpcResponse> waiting = response.id() instanceof JsonRpcId.Num(long id)
                ? pending.get(id) : null;
        if (waiting != null) {
            waiting.complete(response);
        } else {
            LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "' answered " + response.id()
                                          + ", which nothing waits for");
        }
    }

    /** The server asks us something: answer ping, decline what this client does not offer. */
    private static JsonRpcResponse answer(JsonRpcRequest request) {
        return request.method().equals(McpMethods.PING)
                ? JsonRpcResponse.success(request.id(), Json.object())
                : JsonRpcResponse.failure(request.id(), JsonRpcError.methodNotFound(request.method()
                        + " (the Conduit gateway does not offer it to upstream servers)"));
    }

    /** Marks the connection dead and fails every waiting request with {@code reason}. */
    void failAll(String reason) {
        if (closedReason == null) {
            closedReason = reason;
        }
        pending.values().forEach(call -> call.completeExceptionally(new UpstreamException(closedReason)));
    }

    /** Why the connection is dead, if it is. */
    Optional<String> closedReason() {
        return Optional.ofNullable(closedReason);
    }
}
