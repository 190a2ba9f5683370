package dev.conduit.core;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.node.ObjectNode;

/**
 * This server's own requests to its clients (an upstream's {@code sampling/createMessage} or
 * {@code elicitation/create}, relayed): each goes out on the channel of the client request that caused it (on
 * Streamable HTTP that request's SSE response stream, on a line connection a line), and is matched with the answer
 * the client sends back (on HTTP as a POST of its own in the same session). A request waits at most its timeout and
 * ends with its cause: when the client cancels the request that caused it, the client is told to drop this one too.
 * Thread-safe.
 */
public final class ClientRequests {
    private final Map<String, CompletableFuture<JsonRpcResponse>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Asker modern;
    /** Requests whose upstream work is waiting for a client's answer now (by their cancellation, one per request). */
    private final Set<Cancellation> asking = ConcurrentHashMap.newKeySet();

    /** Asks a client something on behalf of a request (see {@link #ask}). */
    @FunctionalInterface
    public interface Asker {
        JsonRpcResponse ask(RequestContext cause, String method, ObjectNode params, Duration timeout);
    }

    /**
     * Where questions for clients of the modern era go: they cannot be sent as requests (2026-07-28 forbids it) and
     * become {@code input_required} results instead. Without one they are refused.
     */
    public void onModernAsk(Asker asker) {
        this.modern = asker;
    }

    /** No request waits yet. */
    public ClientRequests() {
        // Requests are registered as they are sent.
    }

    /**
     * Asks the client of {@code cause} to serve {@code method} and waits for its answer.
     *
     * @return the client's response (its result or its error); an error of this server's own when the client cannot
     *         be asked, does not answer within {@code timeout}, or the request that caused this one is cancelled
     */
    public JsonRpcResponse ask(RequestContext cause, String method, ObjectNode params, Duration timeout) {
        asking.add(cause.cancellation());
        try {
            return send(cause, method, params, timeout);
        } finally {
            asking.remove(cause.cancellation());
        }
    }

    /**
     * Whether the upstream work of {@code cause} is waiting for its client's answer right now: such a request cannot
     * be the one an upstream asks something new for (it is blocked on its own question).
     */
    public boolean asking(RequestContext cause) {
        return asking.contains(cause.cancellation());
    }

    private JsonRpcResponse send(RequestContext cause, String method, ObjectNode params, Duration timeout) {
        JsonRpcId id = JsonRpcId.of("conduit-" + ids.incrementAndGet());
        if (cause.session().protocolVersion().modern()) {
            // 2026-07-28 forbids requests of the server's own on a response stream (input_required replaces them).
            Asker asker = modern;
            if (asker != null) {
                return asker.ask(cause, method, params, timeout);
            }
            return JsonRpcResponse.failure(id, JsonRpcError.of(Outcome.INTERNAL_ERROR.code(), method
                    + " cannot reach the client: it speaks protocol version 2026-07-28, where the gateway would have to "
                    + "answer input_required, which it does not do yet"));
        }
        if (!cause.channel().carriesRequests()) {
            return JsonRpcResponse.failure(id, JsonRpcError.of(Outcome.INTERNAL_ERROR.code(), method
                    + " cannot reach the client: its request has no stream for server requests (over HTTP, accept "
                    + "text/event-stream)"));
        }
        String key = key(cause.session(), id);
        CompletableFuture<JsonRpcResponse> answer = new CompletableFuture<>();
        pending.put(key, answer);
        Cancellation.Registration onCancel = cause.cancellation().onCancel(() -> {
            if (!answer.isDone()) {
                // The client is told first (an answer crossing this is ignored by it, as the spec allows).
                ObjectNode cancelled = Json.object();
                cancelled.set("requestId", id.toJson());
                cancelled.put("reason", "the request that caused it was cancelled");
                cause.channel().send(new JsonRpcNotification(McpMethods.CANCELLED, cancelled));
                answer.complete(JsonRpcResponse.failure(id, Outcome.CANCELLED.error(method + " was cancelled: "
                        + cause.cancellation().reason().orElse("cancelled"))));
            }
        });
        try {
            cause.channel().send(new JsonRpcRequest(id, method, params));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return JsonRpcResponse.failure(id, Outcome.TIMEOUT.error("the client did not answer " + method
                                                                     + " within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            return JsonRpcResponse.failure(id, Outcome.INTERNAL_ERROR.error(method + " failed: "
                                                                            + e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JsonRpcResponse.failure(id, Outcome.CANCELLED.error(method + " was interrupted"));
        } finally {
            onCancel.close();
            pending.remove(key);
        }
    }

    /**
     * Completes the request a client's response answers.
     *
     * @return false when nothing in {@code session} waits for it (an unknown, late or foreign id)
     */
    public boolean complete(McpSession session, JsonRpcResponse response) {
        CompletableFuture<JsonRpcResponse> waiting = pending.get(key(session, response.id()));
        return waiting != null && waiting.complete(response);
    }

    /** Requests waiting for their answer now. */
    public int waiting() {
        return pending.size();
    }

    // A session's id and the request's: another session cannot answer for this one, even knowing the id.
    private static String key(McpSession session, JsonRpcId id) {
        return session.id() + "\u0000" + id;
    }
}
