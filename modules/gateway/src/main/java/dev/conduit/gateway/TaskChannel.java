package dev.conduit.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.McpMethods;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The way back to the client from a task's work, whose own request was answered long ago: what the work sends goes
 * out on the {@code tasks/result} request that waits for the task, tagged with the task's id
 * ({@code io.modelcontextprotocol/related-task}). A question (an upstream's elicitation) is kept until it is answered
 * or given up on: sent while no such request waits, it waits for one (the task shows {@code input_required}
 * meanwhile), and one whose {@code tasks/result} ended before an answer came (a dropped connection, a new session)
 * goes out again on the next. Notifications nobody waits for (progress, log messages) are dropped. Thread-safe.
 */
final class TaskChannel implements ClientChannel {
    static final String RELATED_TASK = "io.modelcontextprotocol/related-task";

    private final String taskId;
    private final Runnable onQuestion;
    private ClientChannel attached;
    /** Questions not yet answered nor given up on, by their id as JSON, in the order they were asked. */
    private final Map<String, JsonRpcRequest> open = new LinkedHashMap<>();

    /**
     * @param onQuestion told when the work asks its client something (the task's status changes)
     */
    TaskChannel(String taskId, Runnable onQuestion) {
        this.taskId = taskId;
        this.onQuestion = onQuestion;
    }

    @Override
    public void send(JsonRpcMessage message) {
        ClientChannel target;
        synchronized (this) {
            target = attached;
            switch (message) {
                case JsonRpcRequest request -> open.put(request.id().toJson().toString(), tagged(request));
                case JsonRpcNotification notification when notification.method().equals(McpMethods.CANCELLED) ->
                        // A question given up on is not shown again (nor at all, when nobody saw it yet).
                        open.remove(notification.params().path("requestId").toString());
                default -> {
                }
            }
        }
        if (message instanceof JsonRpcRequest) {
            onQuestion.run();
        }
        if (target != null) {
            target.send(tagged(message));
        }
    }

    /** Questions wait for a {@code tasks/result} to carry them. */
    @Override
    public boolean carriesRequests() {
        return true;
    }

    /**
     * {@code channel} (a {@code tasks/result} request's) carries the task's messages from now on, the open questions
     * first (again, when an earlier request carried them and ended unanswered); one that cannot carry requests (an
     * HTTP response the client takes as plain JSON) is not used, and questions keep waiting for one that can.
     */
    void attach(ClientChannel channel) {
        if (!channel.carriesRequests()) {
            return;
        }
        List<JsonRpcRequest> waiting;
        synchronized (this) {
            attached = channel;
            waiting = List.copyOf(open.values());
        }
        waiting.forEach(channel::send);
    }

    /**
     * Records that the client answered question {@code id}, from whichever session it answered.
     *
     * @return whether {@code id} was an open question of this task
     */
    synchronized boolean answered(JsonRpcId id) {
        return open.remove(id.toJson().toString()) != null;
    }

    /** {@code channel} no longer waits (its request ended); a later one may attach. */
    synchronized void detach(ClientChannel channel) {
        if (attached == channel) {
            attached = null;
        }
    }

    private JsonRpcRequest tagged(JsonRpcRequest request) {
        return new JsonRpcRequest(request.id(), request.method(), withTask(request.params()));
    }

    private JsonRpcMessage tagged(JsonRpcMessage message) {
        return switch (message) {
            case JsonRpcRequest request -> request.params().path("_meta").has(RELATED_TASK) ? request : tagged(request);
            case JsonRpcNotification notification -> new JsonRpcNotification(notification.method(),
                                                                             withTask(notification.params()));
            case JsonRpcResponse response -> response;
        };
    }

    private JsonNode withTask(JsonNode params) {
        ObjectNode copy = params instanceof ObjectNode object ? object.deepCopy() : Json.object();
        ObjectNode meta = copy.get("_meta") instanceof ObjectNode existing ? existing : copy.putObject("_meta");
        meta.putObject(RELATED_TASK).put("taskId", taskId);
        return copy;
    }
}
