package dev.conduit.upstream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;

import dev.conduit.core.McpMethods;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.RpcException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls a tool that its 2025-era upstream runs only as a task ({@code execution.taskSupport: "required"}, the tasks
 * of MCP 2025-11-25) and answers with the tool's result, as any other call: the gateway's clients and programs call
 * it without knowing tasks. The call asks for a task, then {@code tasks/result}, which the upstream answers once the
 * task has ended, sending meanwhile on that request what it asks the client (elicitation while the task is
 * {@code input_required}), which reaches the client like any question of a call. The upstream's {@code timeout}
 * bounds the whole; when the time runs out or the client cancels, the task is cancelled at the upstream too
 * ({@code tasks/cancel}), so nothing keeps working for nobody.
 */
final class ToolTasks {
    private static final System.Logger LOGGER = System.getLogger(ToolTasks.class.getName());
    static final String TASKS_RESULT = "tasks/result";
    static final String TASKS_CANCEL = "tasks/cancel";
    static final String RELATED_TASK = "io.modelcontextprotocol/related-task";
    /** How long the upstream keeps a task beyond the call's own time: room to fetch the result of one just ended. */
    private static final Duration KEPT_AFTER = Duration.ofMinutes(1);
    /** How long a cancellation sent after the call gave up may take; nobody waits for its answer. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);

    /** One request to the upstream: its result, or the upstream's JSON-RPC error as an {@link RpcException}. */
    @FunctionalInterface
    interface Exchange {
        JsonNode request(String method, ObjectNode params, Duration timeout, Optional<RequestContext> cause)
                throws UpstreamException;
    }

    private ToolTasks() {
    }

    /** Whether {@code tool}, as its upstream listed it, is run only as a task. */
    static boolean required(JsonNode tool) {
        return tool.path("execution").path("taskSupport").asString("").equals("required");
    }

    /** Whether an upstream that declared {@code capabilities} in {@code initialize} runs tool calls as tasks. */
    static boolean offered(JsonNode capabilities) {
        return capabilities.path("tasks").path("requests").path("tools").has("call");
    }

    /**
     * Runs {@code tools/call} with {@code params} as a task and waits for its result.
     *
     * @return the tool's {@code CallToolResult}, without the upstream's task bookkeeping
     * @throws UpstreamException when the upstream cannot be reached, the task does not end within {@code timeout},
     *                           or the client cancelled (the task is cancelled at the upstream in each case)
     */
    static ObjectNode call(String upstreamId, Exchange upstream, ObjectNode params, Duration timeout,
                           RequestContext context) throws UpstreamException {
        long deadline = System.nanoTime() + timeout.toNanos();
        params.putObject("task").put("ttl", timeout.plus(KEPT_AFTER).toMillis());
        JsonNode created = upstream.request(McpMethods.TOOLS_CALL, params, timeout, Optional.of(context));
        String taskId = created.path("task").path("taskId").asString("");
        if (taskId.isEmpty()) {
            // A server may answer at once after all; that answer is the result.
            return result(upstreamId, created);
        }
        LOGGER.log(Level.DEBUG, () -> "[" + context.correlationId() + "] upstream '" + upstreamId + "' runs the call as "
                                      + "task " + taskId);
        ObjectNode asked = Json.object();
        asked.put("taskId", taskId);
        boolean ended = false;
        try {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new UpstreamException("upstream '" + upstreamId + "' did not finish task " + taskId + " within "
                                            + timeout.toMillis() + " ms");
            }
            ObjectNode result = result(upstreamId, upstream.request(TASKS_RESULT, asked, left, Optional.of(context)));
            ended = true;
            return withoutTask(result);
        } catch (RpcException e) {
            ended = true; // the upstream answered for the task: it has ended, in failure
            throw e;
        } finally {
            if (!ended) {
                cancel(upstreamId, upstream, asked);
            }
        }
    }

    /**
     * Tells the upstream to stop the task, off the caller's thread: the caller may have been interrupted (its program
     * stopped), and waits for nothing more.
     */
    private static void cancel(String upstreamId, Exchange upstream, ObjectNode task) {
        Thread.ofVirtual().name("upstream-" + upstreamId + "-task-cancel").start(() -> {
            try {
                upstream.request(TASKS_CANCEL, task, CANCEL_TIMEOUT, Optional.empty());
            } catch (UpstreamException | RpcException e) {
                LOGGER.log(Level.DEBUG, () -> "upstream '" + upstreamId + "' did not cancel task "
                                              + task.path("taskId").asString() + ": " + e.getMessage());
            }
        });
    }

    private static ObjectNode result(String upstreamId, JsonNode result) throws UpstreamException {
        if (!(result instanceof ObjectNode object)) {
            throw new UpstreamException("upstream '" + upstreamId + "' answered tools/call without a result object");
        }
        return object;
    }

    /** {@code params} of a request the upstream sends for a task, without the task's note: its client knows no task. */
    static ObjectNode forClient(ObjectNode params) {
        return params.path("_meta").has(RELATED_TASK) ? withoutTask(params.deepCopy()) : params;
    }

    /** {@code message} without the upstream's note of which task it belongs to (changed in place). */
    private static ObjectNode withoutTask(ObjectNode message) {
        if (message.get("_meta") instanceof ObjectNode meta && meta.remove(RELATED_TASK) != null && meta.isEmpty()) {
            message.remove("_meta");
        }
        return message;
    }
}
