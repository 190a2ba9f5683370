package dev.conduit.upstream;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpMethods;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Questions a 2025 upstream asks as tasks: answered at once with the task, asked of the client in the background
 * without the task, polled, listed and fetched ({@code tasks/result} waits and tags the answer with the task), and
 * withdrawn from the client by {@code tasks/cancel}.
 */
class ReceiverTasksTest {
    private static final long PATIENCE_SECONDS = 10;

    private final ReceiverTasks tasks = new ReceiverTasks();
    private final RequestContext cause = new RequestContext(Principal.anonymous(), "cid",
            new LocalSession("s", ProtocolVersion.V2025_11_25), ClientChannel.discarding());
    /** The questions that reached the client, with the context they were asked under. */
    private final BlockingQueue<RequestContext> asked = new LinkedBlockingQueue<>();
    private final CompletableFuture<JsonRpcResponse> answer = new CompletableFuture<>();

    @Test
    void aQuestionAskedAsATaskIsAnsweredAtOnceAndItsAnswerFetchedWithTasksResult() throws Exception {
        String id = start();
        assertThat(asked.poll(PATIENCE_SECONDS, TimeUnit.SECONDS).correlationId(), is("cid"));
        assertThat(get(id).get("status").asString(), is("working"));
        assertThat(ok(tasks.handle(request(McpMethods.TASKS_LIST, Json.object()))).at("/tasks/0/taskId").asString(), is(id));

        CompletableFuture<JsonRpcResponse> result = CompletableFuture.supplyAsync(
                () -> tasks.handle(request(McpMethods.TASKS_RESULT, named(id))));
        answer.complete(JsonRpcResponse.success(JsonRpcId.of("c"), Json.object().put("action", "accept")));

        JsonNode answered = ok(result.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertThat(answered.get("action").asString(), is("accept"));
        assertThat(answered.at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is(id));
        assertThat(get(id).get("status").asString(), is("completed"));
    }

    @Test
    void cancellingTheTaskWithdrawsTheQuestionAndTasksResultSaysSo() throws Exception {
        String id = start();
        RequestContext own = asked.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat("a cancellation of the question's own, part of its cause's", own.cancellation()
                .within(cause.cancellation()) && own.cancellation() != cause.cancellation(), is(true));
        own.cancellation().onCancel(() -> answer.complete(JsonRpcResponse.failure(JsonRpcId.of("c"),
                Outcome.CANCELLED.error("withdrawn"))));

        JsonNode cancelled = ok(tasks.handle(request(McpMethods.TASKS_CANCEL, named(id))));
        assertThat(cancelled.get("status").asString(), is("cancelled"));
        assertThat(own.cancellation().cancelled(), is(true));
        JsonRpcError error = ((JsonRpcResponse.Failure) tasks.handle(request(McpMethods.TASKS_RESULT, named(id))))
                .error();
        assertThat(error.code(), is(Outcome.CANCELLED.code()));
        JsonRpcError again = ((JsonRpcResponse.Failure) tasks.handle(request(McpMethods.TASKS_CANCEL, named(id))))
                .error();
        assertThat(again.code(), is(-32602));
    }

    @Test
    void aRefusedQuestionMakesTheTaskFailedAndAnUnknownTaskIsInvalidParams() throws Exception {
        String id = start();
        answer.complete(JsonRpcResponse.failure(JsonRpcId.of("c"), JsonRpcError.methodNotFound("elicitation/create")));
        JsonRpcResponse result = tasks.handle(request(McpMethods.TASKS_RESULT, named(id)));
        assertThat(((JsonRpcResponse.Failure) result).error().code(), is(-32601));
        assertThat(get(id).get("status").asString(), is("failed"));
        assertThat(((JsonRpcResponse.Failure) tasks.handle(request(McpMethods.TASKS_GET, named("nope")))).error()
                .code(), is(-32602));
    }

    /** An elicitation asked as a task; the client answers with {@link #answer}. */
    private String start() {
        ObjectNode params = Json.object().put("message", "Name?");
        params.putObject("task").put("ttl", 60_000);
        JsonRpcRequest request = new JsonRpcRequest(JsonRpcId.of(1), McpMethods.ELICITATION_CREATE, params);
        assertThat(ReceiverTasks.asked(request), is(true));
        // The client gets the question without the task; the upstream's request is left as it came.
        assertThat(ReceiverTasks.withoutTask(params).toString(), is("{\"message\":\"Name?\"}"));
        assertThat(params.has("task"), is(true));
        JsonNode created = ok(tasks.start(request, cause, own -> {
            asked.add(own);
            return answer.join();
        }));
        assertThat(created.at("/task/status").asString(), is("working"));
        assertThat(created.at("/task/ttl").asLong(), is(60_000L));
        return created.at("/task/taskId").asString();
    }

    private JsonNode get(String id) {
        return ok(tasks.handle(request(McpMethods.TASKS_GET, named(id))));
    }

    private static JsonRpcRequest request(String method, ObjectNode params) {
        return new JsonRpcRequest(JsonRpcId.of(2), method, params);
    }

    private static ObjectNode named(String id) {
        return Json.object().put("taskId", id);
    }

    private static JsonNode ok(JsonRpcResponse response) {
        return switch (response) {
            case JsonRpcResponse.Success success -> success.result();
            case JsonRpcResponse.Failure failure -> throw new AssertionError(failure.error().toString());
        };
    }
}
