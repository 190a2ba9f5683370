package dev.conduit.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpMeta;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A 2026 upstream that answers a tool call with a task (the tasks extension, declared on the call): the connection
 * polls it to its end and answers with its result or error, asks the client each of the task's questions once and
 * sends the answers with {@code tasks/update}, and cancels the task at the upstream when the call gives up or is
 * cancelled.
 */
class ModernTasksTest {
    private static final long PATIENCE_SECONDS = 10;

    /** What the fake upstream was sent: method and params, in order. */
    private final List<JsonRpcRequest> sent = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
    private final List<JsonRpcRequest> asked = new ArrayList<>();
    private final List<Optional<RequestContext>> started = new ArrayList<>();

    /** An upstream that answers the call with task t-1 and the n-th {@code tasks/get} with {@code poll}. */
    private ModernConnection connection(BiFunction<Integer, String, ObjectNode> poll) {
        FakeWire wire = (method, params, timeout, cause) -> {
            sent.add(new JsonRpcRequest(JsonRpcId.of(sent.size() + 1), method, params));
            return JsonRpcResponse.success(JsonRpcId.of(sent.size()), switch (method) {
                case "tools/call" -> task("working");
                case "tasks/get" -> poll.apply((int) sent.stream().filter(r -> r.method().equals(method)).count(),
                                               params.path("taskId").asString());
                case "tasks/cancel" -> {
                    cancelled.add(params.path("taskId").asString());
                    yield Json.object();
                }
                default -> Json.object();
            });
        };
        ModernConnection.Asker asker = new ModernConnection.Asker() {
            @Override
            public List<JsonRpcResponse> ask(List<JsonRpcRequest> questions, Optional<RequestContext> cause) {
                asked.addAll(questions);
                return questions.stream().map(question -> JsonRpcResponse.success(question.id(),
                        Json.object().put("action", "accept"))).toList();
            }

            @Override
            public void taskStarted(Optional<RequestContext> cause) {
                started.add(cause);
            }
        };
        return new ModernConnection("u", wire, "1", List.of("elicitation"), asker, name -> Optional.empty());
    }

    @Test
    void aTaskIsPolledToItsResultAndItsQuestionAskedOnceAndAnsweredByTasksUpdate() throws Exception {
        ModernConnection connection = connection((n, id) -> switch (n) {
            case 1 -> task("working");
            case 2, 3 -> question(); // the second poll before the upstream took the answer: not asked again
            default -> {
                ObjectNode done = task("completed");
                ObjectNode result = done.putObject("result");
                result.put("resultType", "complete");
                result.putArray("content").addObject().put("type", "text").put("text", "deleted");
                result.putObject("_meta").putObject(McpMeta.SERVER_INFO).put("name", "upstream");
                yield done;
            }
        });
        RequestContext client = client();

        JsonRpcResponse response = connection.request("tools/call", Json.object().put("name", "delete"), timeout(5),
                                                      Optional.of(client));

        JsonNode result = ((JsonRpcResponse.Success) response).result();
        assertThat(result.toString(), result.at("/content/0/text").asString(), is("deleted"));
        assertThat("shaped for the gateway's client", result.has("resultType") || result.has("_meta"), is(false));
        assertThat(started.size(), is(1));
        assertThat(asked.size(), is(1));
        assertThat(asked.getFirst().id(), is(JsonRpcId.of("confirm")));
        assertThat(asked.getFirst().params().path("message").asString(), is("Delete?"));
        List<String> methods = sent.stream().map(JsonRpcRequest::method).toList();
        assertThat(methods.toString(), methods, is(List.of("tools/call", "tasks/get", "tasks/get", "tasks/update",
                                                           "tasks/get", "tasks/get")));
        JsonRpcRequest update = sent.get(3);
        assertThat(update.params().path("taskId").asString(), is("t-1"));
        assertThat(update.params().at("/inputResponses/confirm/action").asString(), is("accept"));
        for (JsonRpcRequest request : sent) {
            assertThat(request.method() + " declares the extension", request.params()
                    .path("_meta").path(McpMeta.CLIENT_CAPABILITIES).path("extensions").has(ModernTasks.EXTENSION),
                       is(true));
        }
        assertThat("nothing to cancel", cancelled.isEmpty(), is(true));
    }

    @Test
    void aFailedTaskAnswersWithItsErrorAndACancelledOneAsCancelled() throws Exception {
        ModernConnection failing = connection((n, id) -> {
            ObjectNode failed = task("failed");
            failed.putObject("error").put("code", -32603).put("message", "the job crashed");
            return failed;
        });
        JsonRpcResponse response = failing.request("tools/call", Json.object().put("name", "job"), timeout(5),
                                                   Optional.of(client()));
        assertThat(((JsonRpcResponse.Failure) response).error().code(), is(-32603));
        assertThat(((JsonRpcResponse.Failure) response).error().message(), is("the job crashed"));

        ModernConnection stopped = connection((n, id) -> task("cancelled"));
        JsonRpcResponse cancelledResponse = stopped.request("tools/call", Json.object().put("name", "job"),
                                                            timeout(5), Optional.of(client()));
        assertThat(((JsonRpcResponse.Failure) cancelledResponse).error().code(), is(Outcome.CANCELLED.code()));
    }

    @Test
    void aTaskStillWorkingWhenTheTimeRunsOutIsCancelledAtTheUpstream() throws Exception {
        ModernConnection connection = connection((n, id) -> task("working"));
        UpstreamException failure = assertThrows(UpstreamException.class, () -> connection.request("tools/call",
                Json.object().put("name", "slow"), Duration.ofMillis(300), Optional.of(client())));
        assertThat(failure.getMessage(), containsString("did not finish task t-1 within"));
        assertThat(cancelled.poll(PATIENCE_SECONDS, TimeUnit.SECONDS), is("t-1"));
    }

    @Test
    void aCallItsClientCancelsCancelsTheTaskAtTheUpstream() throws Exception {
        RequestContext client = client();
        ModernConnection connection = connection((n, id) -> {
            if (n == 2) {
                client.cancellation().cancel("the client went away");
            }
            return task("working");
        });
        JsonRpcResponse response = connection.request("tools/call", Json.object().put("name", "slow"), timeout(30),
                                                      Optional.of(client));
        assertThat(((JsonRpcResponse.Failure) response).error().code(), is(Outcome.CANCELLED.code()));
        assertThat(cancelled.poll(PATIENCE_SECONDS, TimeUnit.SECONDS), is("t-1"));
    }

    private static Duration timeout(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static ObjectNode task(String status) {
        ObjectNode task = Json.object();
        task.put("resultType", "task");
        task.put("taskId", "t-1");
        task.put("status", status);
        task.put("pollIntervalMs", 10);
        return task;
    }

    private static ObjectNode question() {
        ObjectNode task = task("input_required");
        ObjectNode confirm = task.putObject("inputRequests").putObject("confirm");
        confirm.put("method", "elicitation/create");
        confirm.putObject("params").put("message", "Delete?");
        return task;
    }

    private static RequestContext client() {
        LocalSession session = new LocalSession("s", ProtocolVersion.latest());
        session.clientCapabilities(Json.object().set("elicitation", Json.object()));
        return new RequestContext(Principal.anonymous(), "cid", session, ClientChannel.discarding());
    }
}
