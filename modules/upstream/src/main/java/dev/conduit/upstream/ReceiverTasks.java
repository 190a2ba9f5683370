package dev.conduit.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.conduit.core.Cancellation;
import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.TaskTtl;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The questions a 2025-era upstream asks as tasks (MCP 2025-11-25: {@code elicitation/create} or
 * {@code sampling/createMessage} with a {@code task}, which the gateway declares it takes in {@code initialize}), so
 * that its tools that ask that way (server-everything's {@code trigger-elicitation-request-async}) work through the
 * gateway: such a question is answered at once with the task ({@code CreateTaskResult}), asked of the client in the
 * background as any other, and the upstream's {@code tasks/get}, {@code tasks/result} (waits for the answer),
 * {@code tasks/list} and {@code tasks/cancel} (withdraws the question from the client) are answered here. A task is
 * kept for its {@code ttl} (1 s to an hour, ten minutes when not given); at most {@value #MAX_TASKS} at once per
 * upstream. Thread-safe.
 */
final class ReceiverTasks {
    static final int MAX_TASKS = 100;
    private static final long POLL_INTERVAL_MS = 500;

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    /** One question asked as a task: its answer once given, and the cancellation that withdraws it. */
    private record Task(String id, Instant created, Duration ttl, Cancellation cancellation,
                        CompletableFuture<JsonRpcResponse> outcome) {
        boolean expired(Instant now) {
            return created.plus(ttl).isBefore(now);
        }

        String status() {
            if (!outcome.isDone()) {
                return "working";
            }
            return switch (outcome.join()) {
                case JsonRpcResponse.Success _ -> "completed";
                case JsonRpcResponse.Failure failure when failure.error().code() == Outcome.CANCELLED.code()
                                                          && cancellation.cancelled() -> "cancelled";
                case JsonRpcResponse.Failure _ -> "failed";
            };
        }

        ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("taskId", id);
            String status = status();
            json.put("status", status);
            if (outcome.isDone() && outcome.join() instanceof JsonRpcResponse.Failure failure) {
                json.put("statusMessage", failure.error().message());
            }
            json.put("createdAt", created.toString());
            json.put("lastUpdatedAt", created.toString());
            json.put("ttl", ttl.toMillis());
            json.put("pollInterval", POLL_INTERVAL_MS);
            return json;
        }
    }

    /** What the gateway declares in {@code initialize}: it takes elicitation and sampling as tasks. */
    static ObjectNode capability() {
        ObjectNode tasks = Json.object();
        tasks.putObject("list");
        tasks.putObject("cancel");
        ObjectNode requests = tasks.putObject("requests");
        requests.putObject("elicitation").putObject("create");
        requests.putObject("sampling").putObject("createMessage");
        return tasks;
    }

    /** Whether {@code request} is a question asked as a task. */
    static boolean asked(JsonRpcRequest request) {
        return request.params().path("task").isObject()
               && (request.method().equals(McpMethods.ELICITATION_CREATE)
                   || request.method().equals(McpMethods.SAMPLING_CREATE_MESSAGE));
    }

    /** Whether {@code method} is one of the tasks methods answered here. */
    static boolean handles(String method) {
        return method.equals(McpMethods.TASKS_GET) || method.equals(McpMethods.TASKS_RESULT)
               || method.equals(McpMethods.TASKS_LIST) || method.equals(McpMethods.TASKS_CANCEL);
    }

    /**
     * Takes the question {@code request} (see {@link #asked}) as a task and answers with it; {@code relay} asks the
     * client under {@code cause} with a cancellation of the task's own, in the background.
     *
     * @param relay asks the client the question ({@code request}'s params without the task) under the given context
     */
    JsonRpcResponse start(JsonRpcRequest request, RequestContext cause,
                          Function<RequestContext, JsonRpcResponse> relay) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        purge(now);
        if (tasks.size() >= MAX_TASKS) {
            return JsonRpcResponse.failure(request.id(), Outcome.BUSY.error("the Conduit gateway holds "
                    + MAX_TASKS + " questions asked as tasks by this upstream; ask again when one has ended"));
        }
        Task task = new Task(UUID.randomUUID().toString(), now, TaskTtl.granted(request.params().path("task").path("ttl")),
                             cause.cancellation().child(), new CompletableFuture<>());
        tasks.put(task.id(), task);
        RequestContext own = new RequestContext(cause.principal(), cause.correlationId(), cause.session(),
                                                cause.channel(), task.cancellation());
        Thread.ofVirtual().name("conduit-receiver-task").start(() -> {
            try {
                task.outcome().complete(relay.apply(own));
            } finally {
                task.outcome().complete(JsonRpcResponse.failure(request.id(), Outcome.INTERNAL_ERROR.error(
                        request.method() + " failed in the gateway")));
            }
        });
        ObjectNode result = Json.object();
        result.set("task", task.toJson());
        return JsonRpcResponse.success(request.id(), result);
    }

    /** Answers one of the upstream's tasks requests (see {@link #handles}). */
    JsonRpcResponse handle(JsonRpcRequest request) {
        purge(Instant.now());
        if (request.method().equals(McpMethods.TASKS_LIST)) {
            ObjectNode result = Json.object();
            ArrayNode listed = result.putArray("tasks");
            tasks.values().stream().sorted(Comparator.comparing(Task::created)).map(Task::toJson).forEach(listed::add);
            return JsonRpcResponse.success(request.id(), result);
        }
        Task task = tasks.get(request.params().path("taskId").asString(""));
        if (task == null) {
            return JsonRpcResponse.failure(request.id(), JsonRpcError.invalidParams("Failed to retrieve task: no task "
                    + request.params().path("taskId").asString("") + " (unknown or expired after its ttl)"));
        }
        return switch (request.method()) {
            case McpMethods.TASKS_GET -> JsonRpcResponse.success(request.id(), task.toJson());
            case McpMethods.TASKS_CANCEL -> {
                if (task.outcome().isDone()) {
                    yield JsonRpcResponse.failure(request.id(), JsonRpcError.invalidParams("Cannot cancel task: already "
                            + "in terminal status '" + task.status() + "'"));
                }
                task.cancellation().cancel("the upstream cancelled the task");
                task.outcome().join(); // the relay ends at once when cancelled
                yield JsonRpcResponse.success(request.id(), task.toJson());
            }
            default -> result(request, task);
        };
    }

    /** {@code tasks/result}: waits for the client's answer and gives it as it came, tagged with the task. */
    private static JsonRpcResponse result(JsonRpcRequest request, Task task) {
        return switch (task.outcome().join()) {
            case JsonRpcResponse.Success success -> {
                ObjectNode result = success.result() instanceof ObjectNode object ? object.deepCopy() : Json.object();
                ObjectNode meta = result.get("_meta") instanceof ObjectNode existing ? existing
                        : result.putObject("_meta");
                meta.putObject(ToolTasks.RELATED_TASK).put("taskId", task.id());
                yield JsonRpcResponse.success(request.id(), result);
            }
            case JsonRpcResponse.Failure failure -> JsonRpcResponse.failure(request.id(), failure.error());
        };
    }

    /** Withdraws every question still asked: the connection is closing. */
    void cancelAll(String why) {
        tasks.values().forEach(task -> task.cancellation().cancel(why));
        tasks.clear();
    }

    private void purge(Instant now) {
        List<Task> expired = tasks.values().stream().filter(task -> task.expired(now)).toList();
        expired.forEach(task -> {
            tasks.remove(task.id(), task);
            task.cancellation().cancel("the task's ttl ran out");
        });
    }

    /** {@code params} of a question asked as a task, as the client gets it: without the task. */
    static ObjectNode withoutTask(ObjectNode params) {
        ObjectNode copy = params.deepCopy();
        copy.remove("task");
        return copy;
    }
}
