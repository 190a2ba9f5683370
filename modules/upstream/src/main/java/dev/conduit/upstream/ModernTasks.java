package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.conduit.core.Cancellation;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Follows a task a 2026-07-28 upstream answered a {@code tools/call} with (the tasks extension,
 * {@value #EXTENSION}, which the gateway declares on its calls) to its end, so that the call answers with the tool's
 * result as any other: {@code tasks/get} at the upstream's poll interval; the questions of an
 * {@code input_required} task asked of the client of the call (each once, under its key) and their answers sent with
 * {@code tasks/update}; a {@code completed} task's inline result, a {@code failed} one's inline error. The call's
 * {@code timeout} bounds the whole; when it runs out or the client cancels, the task is cancelled at the upstream
 * ({@code tasks/cancel}), so nothing keeps working for nobody.
 */
final class ModernTasks {
    private static final System.Logger LOGGER = System.getLogger(ModernTasks.class.getName());
    /** The tasks extension's id, declared in the per-request client capabilities of the gateway's calls. */
    static final String EXTENSION = "io.modelcontextprotocol/tasks";
    private static final long MIN_POLL_MS = 50;
    private static final long MAX_POLL_MS = 5_000;
    /** How long a cancellation sent after the call gave up may take; nobody waits for its answer. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);

    /** One request about the task to the upstream, framed as every request of the connection. */
    @FunctionalInterface
    interface Exchange {
        JsonRpcResponse request(String method, ObjectNode params, Duration timeout) throws UpstreamException;
    }

    private ModernTasks() {
    }

    /** Whether {@code result} is a task handle ({@code resultType: "task"}) rather than the tool's result. */
    static boolean isTask(JsonNode result) {
        return "task".equals(result.path("resultType").asString(""));
    }

    /** Whether {@code method} is one the extension must be declared on: the call, and the task's own methods. */
    static boolean declaredOn(String method) {
        return method.equals(McpMethods.TOOLS_CALL) || method.equals(McpMethods.TASKS_GET)
               || method.equals(McpMethods.TASKS_UPDATE) || method.equals(McpMethods.TASKS_CANCEL);
    }

    /**
     * Waits for the task {@code created} names to end, asking the client of {@code cause} what the task asks.
     *
     * @param id the id of the call's request, for the response
     * @return what the task ended with: its result, or its error; an error of the gateway's own when it is given up
     */
    static JsonRpcResponse follow(String upstreamId, JsonRpcId id, ObjectNode created, Exchange upstream,
                                  ModernConnection.Asker asker, Optional<RequestContext> cause, Duration timeout)
            throws UpstreamException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String taskId = created.path("taskId").asString("");
        if (taskId.isEmpty()) {
            throw new UpstreamException("upstream '" + upstreamId + "' answered tools/call with a task without a taskId");
        }
        String correlation = cause.map(RequestContext::correlationId).orElse("-");
        LOGGER.log(Level.DEBUG, () -> "[" + correlation + "] upstream '" + upstreamId + "' runs the call as task "
                                      + taskId);
        asker.taskStarted(cause);
        ObjectNode named = Json.object().put("taskId", taskId);
        Set<String> answered = new HashSet<>();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Cancellation.Registration onCancel = cause.map(context -> context.cancellation().onCancel(
                () -> stopped.complete(null))).orElse(() -> { });
        boolean ended = false;
        try {
            ObjectNode task = created;
            while (true) {
                switch (task.path("status").asString("")) {
                    case "completed" -> {
                        ended = true;
                        return JsonRpcResponse.success(id, task.get("result") instanceof ObjectNode result
                                ? result : Json.object());
                    }
                    case "failed" -> {
                        ended = true;
                        return JsonRpcResponse.failure(id, error(upstreamId, taskId, task.path("error")));
                    }
                    case "cancelled" -> {
                        ended = true;
                        return JsonRpcResponse.failure(id, Outcome.CANCELLED.error("upstream '" + upstreamId
                                + "' cancelled task " + taskId));
                    }
                    case "input_required" -> {
                        List<JsonRpcRequest> questions = unanswered(task, answered);
                        if (questions.isEmpty()) {
                            pause(task, deadline, stopped); // answered; the upstream has not moved on yet
                        } else {
                            Optional<JsonRpcResponse> refused = answer(upstream, asker, cause, questions, named,
                                    answered, remaining(deadline, upstreamId, taskId, timeout), id);
                            if (refused.isPresent()) {
                                return refused.get();
                            }
                        }
                    }
                    default -> pause(task, deadline, stopped);
                }
                if (stopped.isDone()) {
                    return JsonRpcResponse.failure(id, Outcome.CANCELLED.error("the call was cancelled; upstream '"
                            + upstreamId + "' was told to cancel task " + taskId));
                }
                JsonRpcResponse polled = upstream.request(McpMethods.TASKS_GET, named,
                                                          remaining(deadline, upstreamId, taskId, timeout));
                if (!(polled instanceof JsonRpcResponse.Success success
                      && success.result() instanceof ObjectNode polledTask)) {
                    return polled; // the upstream no longer knows the task, or failed: its error stands
                }
                task = polledTask;
            }
        } finally {
            onCancel.close();
            if (!ended) {
                cancel(upstreamId, upstream, named);
            }
        }
    }

    /**
     * Asks the client {@code questions} (the task's not yet answered) and sends the answers with {@code tasks/update}.
     *
     * @return the call's response when the client cannot answer (the task is then cancelled); empty otherwise
     */
    private static Optional<JsonRpcResponse> answer(Exchange upstream, ModernConnection.Asker asker,
                                                    Optional<RequestContext> cause, List<JsonRpcRequest> questions,
                                                    ObjectNode named, Set<String> answered, Duration left,
                                                    JsonRpcId id) throws UpstreamException {
        List<JsonRpcResponse> replies = asker.ask(questions, cause);
        ObjectNode update = named.deepCopy();
        ObjectNode responses = update.putObject("inputResponses");
        for (int i = 0; i < questions.size(); i++) {
            String key = ((JsonRpcId.Str) questions.get(i).id()).value();
            switch (replies.get(i)) {
                case JsonRpcResponse.Success reply -> {
                    responses.set(key, reply.result());
                    answered.add(key);
                }
                case JsonRpcResponse.Failure failure -> {
                    return Optional.of(JsonRpcResponse.failure(id, failure.error()));
                }
            }
        }
        JsonRpcResponse acknowledged = upstream.request(McpMethods.TASKS_UPDATE, update, left);
        return acknowledged instanceof JsonRpcResponse.Failure failure
                ? Optional.of(JsonRpcResponse.failure(id, failure.error())) : Optional.empty();
    }

    /** The questions {@code task} shows that were not answered yet, each a request whose id is its key. */
    private static List<JsonRpcRequest> unanswered(ObjectNode task, Set<String> answered) {
        List<JsonRpcRequest> questions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> question : task.path("inputRequests").properties()) {
            if (!answered.contains(question.getKey())) {
                JsonNode asked = question.getValue();
                questions.add(new JsonRpcRequest(JsonRpcId.of(question.getKey()), asked.path("method").asString(""),
                        asked.get("params") instanceof ObjectNode params ? params : Json.object()));
            }
        }
        return questions;
    }

    /** Waits the task's poll interval (within bounds and the time left), or until the call is cancelled. */
    private static void pause(ObjectNode task, long deadline, CompletableFuture<Void> stopped) {
        long interval = Math.clamp(task.path("pollIntervalMs").asLong(MIN_POLL_MS * 4), MIN_POLL_MS, MAX_POLL_MS);
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        try {
            stopped.get(Math.max(0, Math.min(interval, left)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Time to poll again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.complete(null);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // only ever completed normally
        }
    }

    private static Duration remaining(long deadline, String upstreamId, String taskId, Duration timeout)
            throws UpstreamException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new UpstreamException("upstream '" + upstreamId + "' did not finish task " + taskId + " within "
                                        + timeout.toMillis() + " ms");
        }
        return Duration.ofNanos(left);
    }

    /** A failed task's inline error, as the upstream gave it. */
    private static JsonRpcError error(String upstreamId, String taskId, JsonNode error) {
        if (!error.path("code").isInt()) {
            return Outcome.INTERNAL_ERROR.error("upstream '" + upstreamId + "' reports task " + taskId + " failed");
        }
        return new JsonRpcError(error.path("code").asInt(), error.path("message").asString("task " + taskId
                + " failed"), Optional.ofNullable(error.get("data")));
    }

    /**
     * Tells the upstream to stop the task, off the caller's thread: the caller may have been interrupted (its program
     * stopped), and waits for nothing more.
     */
    private static void cancel(String upstreamId, Exchange upstream, ObjectNode named) {
        Thread.ofVirtual().name("upstream-" + upstreamId + "-task-cancel").start(() -> {
            try {
                upstream.request(McpMethods.TASKS_CANCEL, named, CANCEL_TIMEOUT);
            } catch (UpstreamException | RuntimeException e) {
                LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "' did not cancel task "
                                              + named.path("taskId").asString() + ": " + e.getMessage());
            }
        });
    }
}
