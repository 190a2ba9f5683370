package dev.conduit.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /** Requests whose upstream work is waiting for a client's answer now: by their cancellation, how many questions. */
    private final Map<Cancellation, Integer> asking = new ConcurrentHashMap<>();
    /** Work whose questions go elsewhere than to its request (a task's: kept for the client's next poll). */
    private final Map<Cancellation, Asker> routed = new ConcurrentHashMap<>();
    /** Work to tell when an upstream runs one of its calls as a task. */
    private final Map<Cancellation, Runnable> upstreamTasks = new ConcurrentHashMap<>();

    /** One question for a client: its method and params, and the name it already has, if any. */
    public record Question(Optional<String> key, String method, ObjectNode params) {
        /** A question without a name of its own. */
        public static Question of(String method, ObjectNode params) {
            return new Question(Optional.empty(), method, params);
        }
    }

    /** Asks a client questions on behalf of a request (see {@link #askAll}). */
    @FunctionalInterface
    public interface Asker {
        /** The answers to {@code questions}, in their order; a question's {@code key} is kept when it can be. */
        List<JsonRpcResponse> ask(RequestContext cause, List<Question> questions, Duration timeout);
    }

    /**
     * Where questions for clients of the modern era go: they cannot be sent as requests (2026-07-28 forbids it) and
     * become {@code input_required} results instead. Without one they are refused.
     */
    public void onModernAsk(Asker asker) {
        this.modern = asker;
    }

    /**
     * The questions of the work cancelled by {@code work}, and of the parts of it ({@link Cancellation#child()}: a
     * program's tool calls), go to {@code asker} (a 2026 task's, which keeps them for {@code tasks/get}), until the
     * returned registration is closed.
     */
    public Cancellation.Registration route(Cancellation work, Asker asker) {
        routed.put(work, asker);
        return () -> routed.remove(work, asker);
    }

    /**
     * {@code listener} is told when an upstream answers a call of the work cancelled by {@code work} with a task of its
     * own (a 2026 client's call, which then becomes a task of the gateway's at once), until the returned registration
     * is closed.
     */
    public Cancellation.Registration onUpstreamTask(Cancellation work, Runnable listener) {
        upstreamTasks.put(work, listener);
        return () -> upstreamTasks.remove(work, listener);
    }

    /** An upstream answered a call of {@code cause}'s with a task, which the gateway follows. */
    public void upstreamTaskStarted(RequestContext cause) {
        Runnable listener = of(upstreamTasks, cause);
        if (listener != null) {
            listener.run();
        }
    }

    /**
     * What {@code work} holds for the work of {@code cause}: registered for its very cancellation, or for the request
     * it is part of (a program's tool call within a task); null when nothing is.
     */
    private static <T> T of(Map<Cancellation, T> work, RequestContext cause) {
        T exact = work.get(cause.cancellation());
        if (exact != null || work.isEmpty()) {
            return exact;
        }
        for (Map.Entry<Cancellation, T> entry : work.entrySet()) {
            if (cause.cancellation().within(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
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
        return askAll(cause, List.of(Question.of(method, params)), timeout).getFirst();
    }

    /**
     * Asks several questions at once (a 2026 upstream's {@code inputRequests}) and waits for every answer: a 2025
     * client gets them as concurrent requests, a 2026 client in one {@code input_required} result, under their own
     * keys where it can.
     *
     * @return the answers in the order of {@code questions}
     */
    public List<JsonRpcResponse> askAll(RequestContext cause, List<Question> questions, Duration timeout) {
        asking.merge(cause.cancellation(), 1, Integer::sum); // counted: the same request may ask again meanwhile
        try {
            Asker elsewhere = of(routed, cause);
            if (elsewhere != null) {
                return elsewhere.ask(cause, questions, timeout);
            }
            if (cause.session().protocolVersion().modern()) {
                // 2026-07-28 forbids requests of the server's own on a response stream (input_required replaces them).
                Asker asker = modern;
                if (asker != null) {
                    return asker.ask(cause, questions, timeout);
                }
                return questions.stream().map(question -> JsonRpcResponse.failure(JsonRpcId.of("conduit-input"),
                        JsonRpcError.of(Outcome.INTERNAL_ERROR.code(), question.method() + " cannot reach the client: "
                                + "it speaks 2026-07-28 and this server has no input_required round trips"))).toList();
            }
            if (questions.size() == 1) {
                return List.of(send(cause, questions.getFirst().method(), questions.getFirst().params(), timeout));
            }
            try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<JsonRpcResponse>> answers = questions.stream().map(question -> each.submit(
                        () -> send(cause, question.method(), question.params(), timeout))).toList();
                return answers.stream().map(Future::resultNow).toList();
            }
        } finally {
            asking.computeIfPresent(cause.cancellation(), (cancellation, count) -> count == 1 ? null : count - 1);
        }
    }

    /**
     * Whether the upstream work of {@code cause} is waiting for its client's answer right now: such a request cannot
     * be the one an upstream asks something new for (it is blocked on its own question).
     */
    public boolean asking(RequestContext cause) {
        return asking.containsKey(cause.cancellation());
    }

    private JsonRpcResponse send(RequestContext cause, String method, ObjectNode params, Duration timeout) {
        JsonRpcId id = JsonRpcId.of("conduit-" + ids.incrementAndGet());
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
                tellCancelled(cause, id, "the request that caused it was cancelled");
                answer.complete(JsonRpcResponse.failure(id, Outcome.CANCELLED.error(method + " was cancelled: "
                        + cause.cancellation().reason().orElse("cancelled"))));
            }
        });
        try {
            cause.channel().send(new JsonRpcRequest(id, method, params));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Given up on, and the client told so (as the spec's timeouts have it): its prompt need not stay open.
            String why = "the client did not answer " + method + " within " + timeout.toMillis() + " ms";
            tellCancelled(cause, id, why);
            return JsonRpcResponse.failure(id, Outcome.TIMEOUT.error(why));
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

    private static void tellCancelled(RequestContext cause, JsonRpcId id, String reason) {
        ObjectNode cancelled = Json.object();
        cancelled.set("requestId", id.toJson());
        cancelled.put("reason", reason);
        cause.channel().send(new JsonRpcNotification(McpMethods.CANCELLED, cancelled));
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
