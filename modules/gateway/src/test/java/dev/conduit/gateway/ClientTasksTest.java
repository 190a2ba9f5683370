package dev.conduit.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.ClientRequests;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.RpcException;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Tasks offered to 2025-11-25 clients: a call asking for one is answered at once and runs on; {@code tasks/result}
 * waits for its end and answers what the call answered (an error result or a JSON-RPC error making the task
 * {@code failed}); {@code tasks/cancel} stops the work; another key finds nothing; a key's hundredth working task is
 * its last; ttl is bounded and ends the task; a question the work asks waits for {@code tasks/result} and shows
 * {@code input_required}, comes again on the next {@code tasks/result} when unanswered, and may be answered from
 * another session of the key (a client that reconnected); clients of other revisions are offered no tasks. A 2026
 * call with the extension is answered as it is when quick, with an input round when it asks first, and with a task
 * when it runs on or its upstream made a task of it.
 */
class ClientTasksTest {
    private static final long PATIENCE_SECONDS = 10;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ClientRequests questions = new ClientRequests();
    /** Released to let waiting calls answer. */
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private final BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
    private final McpServer server = McpServer.builder().clientRequests(questions).pageSize(10)
            .catalog(ToolCatalog.of(List.of(work()))).build();
    private final McpSession session = new LocalSession("s", ProtocolVersion.V2025_11_25);
    private final RequestContext caller = context(session, "caller", ClientChannel.discarding());
    private final AtomicInteger ids = new AtomicInteger();

    @AfterEach
    void close() {
        release.complete(null);
        server.close();
    }

    @Test
    void aTaskIsAnsweredAtOnceAndItsResultFetchedWhenItEnds() throws Exception {
        JsonNode task = ask(caller, "tools/call", call("wait", 60_000)).get("task");
        assertThat(task.toString(), task.get("status").asString(), is("working"));
        assertThat(task.toString(), task.get("ttl").asLong(), is(60_000L));
        assertThat(task.toString(), task.get("pollInterval").asLong(), is(1000L));
        assertThat(task.get("taskId").asString().length(), is(32));
        String id = task.get("taskId").asString();

        CompletableFuture<JsonRpcResponse> result = CompletableFuture.supplyAsync(() -> request(caller, "tasks/result",
                taskId(id)));
        assertThat(get(id).get("status").asString(), is("working"));
        release.complete(null);

        JsonNode answer = ((JsonRpcResponse.Success) result.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).result();
        assertThat(answer.at("/content/0/text").asString(), is("done"));
        assertThat(answer.at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is(id));
        assertThat(get(id).get("status").asString(), is("completed"));
    }

    @Test
    void anErrorResultOrAnErrorMakeTheTaskFailedAndTasksResultAnswersTheSame() throws Exception {
        release.complete(null);
        String errorResult = start("error-result");
        JsonNode answer = ((JsonRpcResponse.Success) request(caller, "tasks/result", taskId(errorResult))).result();
        assertThat(answer.get("isError").asBoolean(), is(true));
        JsonNode failed = get(errorResult);
        assertThat(failed.get("status").asString(), is("failed"));
        assertThat(failed.get("statusMessage").asString(), containsString("it went wrong"));

        String thrown = start("throw");
        JsonRpcError error = ((JsonRpcResponse.Failure) request(caller, "tasks/result", taskId(thrown))).error();
        assertThat(error.code(), is(-32602));
        assertThat(error.message(), containsString("bad argument"));
        assertThat(get(thrown).get("status").asString(), is("failed"));
    }

    @Test
    void aCancelledTaskStopsItsWorkAndStaysCancelled() throws Exception {
        String id = start("wait");
        JsonNode task = ask(caller, "tasks/cancel", taskId(id));
        assertThat(task.get("status").asString(), is("cancelled"));
        assertThat("the work was told to stop", cancelled.poll(PATIENCE_SECONDS, TimeUnit.SECONDS), is("wait"));
        assertThat(get(id).get("status").asString(), is("cancelled"));
        JsonRpcError again = ((JsonRpcResponse.Failure) request(caller, "tasks/cancel", taskId(id))).error();
        assertThat(again.code(), is(-32602));
        assertThat(again.message(), is("Cannot cancel task: already in terminal status 'cancelled'"));
        JsonRpcError result = ((JsonRpcResponse.Failure) request(caller, "tasks/result", taskId(id))).error();
        assertThat(result.code(), is(-32800));
    }

    @Test
    void anotherKeyFindsNoneOfTheTasks() {
        String id = start("wait");
        RequestContext stranger = context(session, "stranger", ClientChannel.discarding());
        for (String method : List.of("tasks/get", "tasks/result", "tasks/cancel")) {
            JsonRpcError error = ((JsonRpcResponse.Failure) request(stranger, method, taskId(id))).error();
            assertThat(method, error.code(), is(-32602));
            assertThat(method, error.message(), startsWith("Failed to retrieve task: no task " + id + " for this key"));
        }
        assertThat(ask(stranger, "tasks/list", Json.object()).get("tasks").size(), is(0));
        assertThat(ask(caller, "tasks/list", Json.object()).get("tasks").get(0).get("taskId").asString(), is(id));
    }

    @Test
    void aKeyKeepsAHundredTasksAndListsThemInPages() throws Exception {
        for (int i = 0; i < ClientTasks.MAX_PER_KEY; i++) {
            start("wait");
        }
        JsonRpcError refused = ((JsonRpcResponse.Failure) request(caller, "tools/call", call("wait", 60_000))).error();
        assertThat(refused.message(), containsString("has 100 tasks working"));

        int listed = 0;
        ObjectNode params = Json.object();
        JsonNode page;
        do {
            page = ask(caller, "tasks/list", params);
            listed += page.get("tasks").size();
            params.put("cursor", page.path("nextCursor").asString(""));
        } while (page.has("nextCursor"));
        assertThat(listed, is(ClientTasks.MAX_PER_KEY));

        // Once they ended, a new task takes the oldest one's place.
        release.complete(null);
        String first = ask(caller, "tasks/list", Json.object()).get("tasks").get(0).get("taskId").asString();
        request(caller, "tasks/result", taskId(first));
        String next = start("wait");
        assertThat(ask(caller, "tasks/result", taskId(next)).at("/content/0/text").asString(), is("done"));
        assertThat(request(caller, "tasks/get", taskId(first)) instanceof JsonRpcResponse.Failure, is(true));
    }

    @Test
    void ttlIsBoundedAndATaskPastItsTtlIsStoppedAndDropped() throws Exception {
        assertThat(ask(caller, "tools/call", call("wait", 10)).at("/task/ttl").asLong(), is(1000L));
        assertThat(ask(caller, "tools/call", call("wait", 36_000_000)).at("/task/ttl").asLong(), is(3_600_000L));
        ObjectNode unasked = call("wait", 0);
        unasked.putObject("task");
        assertThat(ask(caller, "tools/call", unasked).at("/task/ttl").asLong(), is(600_000L));

        String shortLived = ask(caller, "tools/call", call("wait", 1000)).at("/task/taskId").asString();
        assertThat("the work was stopped at its ttl", cancelled.poll(PATIENCE_SECONDS, TimeUnit.SECONDS), is("wait"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (request(caller, "tasks/get", taskId(shortLived)) instanceof JsonRpcResponse.Success) {
            assertThat("dropped after its ttl", System.nanoTime() < deadline, is(true));
            LockSupport.parkNanos(POLL_NANOS); // polled until the deadline, not slept on
        }
    }

    @Test
    void aQuestionWaitsForTasksResultTaggedWithTheTask() throws Exception {
        String id = start("ask");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!get(id).get("status").asString().equals("input_required")) {
            assertThat("input_required while the question waits", System.nanoTime() < deadline, is(true));
            LockSupport.parkNanos(POLL_NANOS); // polled until the deadline, not slept on
        }
        BlockingQueue<JsonRpcMessage> sent = new LinkedBlockingQueue<>();
        RequestContext waiting = context(session, "caller", sent::add);
        CompletableFuture<JsonRpcResponse> result = CompletableFuture.supplyAsync(() -> request(waiting,
                "tasks/result", taskId(id)));

        JsonRpcRequest question = (JsonRpcRequest) sent.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(question.toString(), question.method(), is("elicitation/create"));
        assertThat(question.params().at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is(id));
        server.handle(JsonRpcResponse.success(question.id(), Json.object().put("action", "accept")), waiting);

        JsonNode answer = ((JsonRpcResponse.Success) result.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).result();
        assertThat(answer.at("/content/0/text").asString(), is("the client said accept"));
        assertThat(get(id).get("status").asString(), is("completed"));
    }

    @Test
    void aQuestionOutlivesItsSessionAndIsAnsweredFromAnotherOfTheSameKeyOnly() throws Exception {
        String id = start("ask");
        BlockingQueue<JsonRpcMessage> first = new LinkedBlockingQueue<>();
        RequestContext firstPoll = context(session, "caller", first::add);
        CompletableFuture<JsonRpcResponse> cut = CompletableFuture.supplyAsync(() -> request(firstPoll,
                "tasks/result", taskId(id)));
        JsonRpcRequest asked = (JsonRpcRequest) first.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        firstPoll.cancellation().cancel("the connection broke"); // no answer came on that stream
        assertThat(((JsonRpcResponse.Failure) cut.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).error().code(), is(-32800));

        // The client comes back in a new session of the same key and polls again: the question comes again.
        McpSession reconnected = new LocalSession("s2", ProtocolVersion.V2025_11_25);
        BlockingQueue<JsonRpcMessage> second = new LinkedBlockingQueue<>();
        RequestContext secondPoll = context(reconnected, "caller", second::add);
        CompletableFuture<JsonRpcResponse> result = CompletableFuture.supplyAsync(() -> request(secondPoll,
                "tasks/result", taskId(id)));
        JsonRpcRequest again = (JsonRpcRequest) second.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(again.id(), is(asked.id()));

        // Another key's session knowing the id cannot answer it; the client's new session can.
        RequestContext stranger = context(new LocalSession("s3", ProtocolVersion.V2025_11_25), "stranger",
                                          ClientChannel.discarding());
        server.handle(JsonRpcResponse.success(again.id(), Json.object().put("action", "decline")), stranger);
        assertThat(get(id).get("status").asString(), is("input_required"));
        server.handle(JsonRpcResponse.success(again.id(), Json.object().put("action", "accept")), secondPoll);

        JsonNode answer = ((JsonRpcResponse.Success) result.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).result();
        assertThat(answer.at("/content/0/text").asString(), is("the client said accept"));
        assertThat(questions.waiting(), is(0));
    }

    @Test
    void clientsOfOtherRevisionsAreOfferedNoTasks() {
        RequestContext older = context(new LocalSession("o", ProtocolVersion.V2025_06_18), "caller",
                                       ClientChannel.discarding());
        release.complete(null);
        // The task asked for is ignored, as the revision says of a server without tasks: the call runs as it is.
        assertThat(ask(older, "tools/call", call("wait", 60_000)).at("/content/0/text").asString(), is("done"));
        assertThat(((JsonRpcResponse.Failure) request(older, "tasks/get", taskId("x"))).error().code(), is(-32601));
        assertThat(ask(older, "tools/list", Json.object()).at("/tools/0/execution").isMissingNode(), is(true));
        assertThat(ask(caller, "tools/list", Json.object()).at("/tools/0/execution/taskSupport").asString(),
                   is("optional"));
        JsonNode initialized = ask(older, "initialize", Json.object().put("protocolVersion", "2025-06-18"));
        assertThat(initialized.at("/capabilities/tasks").isMissingNode(), is(true));
        JsonNode latest = ask(caller, "initialize", Json.object().put("protocolVersion", "2025-11-25"));
        assertThat(latest.at("/capabilities/tasks/requests/tools/call").isObject(), is(true));
    }

    @Test
    void aQuickModernCallIsAnsweredAsItIsAndALongOneBecomesATask() throws Exception {
        assertThat(modern("tools/list", Json.object(), false).at("/tools/0/execution/taskSupport").asString(),
                   is("optional"));
        JsonNode quick = modern("tools/call", call("error-result", 0), true);
        assertThat(quick.toString(), quick.get("resultType").asString(), is("complete"));
        assertThat(quick.toString(), quick.at("/content/0/text").asString(), is("it went wrong"));

        JsonNode task = modern("tools/call", call("wait", 0), true);
        assertThat(task.toString(), task.get("resultType").asString(), is("task"));
        assertThat(task.toString(), task.get("status").asString(), is("working"));
        assertThat(task.toString(), task.get("ttlMs").asLong(), is(600_000L));
        assertThat(task.toString(), task.get("pollIntervalMs").asLong(), is(1000L));
        String id = task.get("taskId").asString();
        assertThat(modern("tasks/get", taskId(id), true).get("status").asString(), is("working"));

        release.complete(null);
        JsonNode done = modernUntil(id, "completed");
        assertThat(done.toString(), done.get("resultType").asString(), is("complete"));
        assertThat(done.toString(), done.at("/result/content/0/text").asString(), is("done"));
        assertThat("a 2025 client does not see a 2026 task", request(caller, "tasks/get", taskId(id))
                instanceof JsonRpcResponse.Failure, is(true));
    }

    @Test
    void aModernCallThatAsksFirstGetsAnInputRoundWhoseRetryGoesOnAndMayBecomeATask() throws Exception {
        JsonNode round = modern("tools/call", call("ask-then-wait", 0), true);
        assertThat(round.toString(), round.get("resultType").asString(), is("input_required"));
        assertThat(round.toString(), round.has("taskId"), is(false));
        assertThat(round.toString(), round.at("/inputRequests/input-1/method").asString(), is("elicitation/create"));
        assertThat(round.toString(), round.at("/inputRequests/input-1/params/message").asString(), is("which?"));

        ObjectNode retry = call("ask-then-wait", 0);
        retry.putObject("inputResponses").putObject("input-1").put("action", "accept");
        retry.set("requestState", round.get("requestState"));
        JsonRpcResponse foreign = modernRequest(context(session, "stranger", ClientChannel.discarding()), "tools/call",
                                                retry, true);
        assertThat("another key cannot take up the round", ((JsonRpcResponse.Failure) foreign).error().code(),
                   is(-32602));
        JsonNode task = modern("tools/call", retry, true);
        // Answered, the work waits on: after a second the retry is answered with the task, without the round's state.
        assertThat(task.toString(), task.get("resultType").asString(), is("task"));
        assertThat(task.toString(), task.has("requestState"), is(false));
        assertThat(task.toString(), task.has("inputRequests"), is(false));
        JsonRpcError spent = ((JsonRpcResponse.Failure) modernRequest("tools/call", retry, true)).error();
        assertThat(spent.message(), spent.code(), is(-32602));

        release.complete(null);
        assertThat(modernUntil(task.get("taskId").asString(), "completed").at("/result/content/0/text").asString(),
                   is("the client said accept"));
    }

    @Test
    void aCallItsUpstreamMadeATaskOfIsATaskAtOnceWhoseQuestionsTasksUpdateAnswers() throws Exception {
        JsonNode task = modern("tools/call", call("upstream-task-ask", 0), true);
        assertThat(task.toString(), task.get("resultType").asString(), is("task"));
        String id = task.get("taskId").asString();
        JsonNode waiting = modernUntil(id, "input_required");
        JsonNode question = waiting.at("/inputRequests/input-1");
        assertThat(waiting.toString(), question.get("method").asString(), is("elicitation/create"));
        assertThat(waiting.toString(), question.at("/params/message").asString(), is("which?"));

        ObjectNode update = taskId(id);
        ObjectNode answers = update.putObject("inputResponses");
        answers.putObject("input-1").put("action", "accept");
        answers.putObject("never-asked").put("action", "decline");
        assertThat(modern("tasks/update", update, true).get("resultType").asString(), is("complete"));

        assertThat(modernUntil(id, "completed").at("/result/content/0/text").asString(), is("the client said accept"));
    }

    @Test
    void aModernTaskFailsOnlyByAnErrorAndIsCancelledOnRequest() throws Exception {
        String erring = modern("tools/call", call("slow-error-result", 0), true).get("taskId").asString();
        String throwing = modern("tools/call", call("slow-throw", 0), true).get("taskId").asString();
        String waiting = modern("tools/call", call("wait", 0), true).get("taskId").asString();

        assertThat(modern("tasks/cancel", taskId(waiting), true).get("resultType").asString(), is("complete"));
        assertThat("the work was told to stop", cancelled.poll(PATIENCE_SECONDS, TimeUnit.SECONDS), is("wait"));
        assertThat(modern("tasks/get", taskId(waiting), true).get("status").asString(), is("cancelled"));

        release.complete(null);
        JsonNode toolError = modernUntil(erring, "completed");
        assertThat("a tool's own error completes the task", toolError.at("/result/isError").asBoolean(), is(true));
        JsonNode failed = modernUntil(throwing, "failed");
        assertThat(failed.toString(), failed.at("/error/code").asInt(), is(-32602));
        assertThat(failed.toString(), failed.at("/error/message").asString(), containsString("bad argument"));
    }

    @Test
    void aModernRequestWithoutTheExtensionGetsNoTaskAndMayNotAskForOne() {
        release.complete(null);
        JsonNode plain = modern("tools/call", call("wait", 0), false);
        assertThat(plain.toString(), plain.get("resultType").asString(), is("complete"));
        String id = modern("tools/call", call("wait", 0), true).path("taskId").asString("none");
        JsonRpcError refused = ((JsonRpcResponse.Failure) modernRequest("tasks/get", taskId(id), false)).error();
        assertThat(refused.code(), is(-32021));
        assertThat(refused.data().orElseThrow().at("/requiredCapabilities/extensions").has(ClientTasks.EXTENSION),
                   is(true));
        JsonRpcError legacyOnly = ((JsonRpcResponse.Failure) modernRequest("tasks/result", taskId(id), true)).error();
        assertThat(legacyOnly.code(), is(-32601));
    }

    private JsonNode modernUntil(String id, String status) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        JsonNode task;
        while (!(task = modern("tasks/get", taskId(id), true)).get("status").asString().equals(status)) {
            assertThat("became " + status + ": " + task, System.nanoTime() < deadline, is(true));
            LockSupport.parkNanos(POLL_NANOS); // polled until the deadline, not slept on
        }
        return task;
    }

    private JsonNode modern(String method, ObjectNode params, boolean extension) {
        return switch (modernRequest(method, params, extension)) {
            case JsonRpcResponse.Success success -> success.result();
            case JsonRpcResponse.Failure failure -> throw new AssertionError(method + ": " + failure.error());
        };
    }

    /** {@code method} as a 2026-07-28 client sends it, declaring elicitation and, if asked, the tasks extension. */
    private JsonRpcResponse modernRequest(String method, ObjectNode params, boolean extension) {
        return modernRequest(caller, method, params, extension);
    }

    private JsonRpcResponse modernRequest(RequestContext from, String method, ObjectNode params, boolean extension) {
        ObjectNode sent = params.deepCopy();
        ObjectNode meta = sent.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        ObjectNode capabilities = meta.putObject("io.modelcontextprotocol/clientCapabilities");
        capabilities.putObject("elicitation");
        if (extension) {
            capabilities.putObject("extensions").putObject(ClientTasks.EXTENSION);
        }
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "test").put("version", "1");
        return request(from, method, sent);
    }

    private String start(String mode) {
        return ask(caller, "tools/call", call(mode, 60_000)).at("/task/taskId").asString();
    }

    private JsonNode get(String id) {
        return ask(caller, "tasks/get", taskId(id));
    }

    private JsonNode ask(RequestContext context, String method, ObjectNode params) {
        return switch (request(context, method, params)) {
            case JsonRpcResponse.Success success -> success.result();
            case JsonRpcResponse.Failure failure -> throw new AssertionError(method + ": " + failure.error());
        };
    }

    private JsonRpcResponse request(RequestContext context, String method, ObjectNode params) {
        return server.handle(new JsonRpcRequest(JsonRpcId.of(ids.incrementAndGet()), method, params), context)
                .orElseThrow();
    }

    private static ObjectNode taskId(String id) {
        return Json.object().put("taskId", id);
    }

    private static ObjectNode call(String mode, long ttl) {
        ObjectNode params = Json.object().put("name", "work");
        params.putObject("arguments").put("mode", mode);
        if (ttl > 0) {
            params.putObject("task").put("ttl", ttl);
        }
        return params;
    }

    private static RequestContext context(McpSession session, String key, ClientChannel channel) {
        return new RequestContext(new Principal(key, List.of("*")), "cid", session, channel);
    }

    /** A tool whose argument {@code mode} says what it does. */
    private Tool work() {
        ObjectNode schema = Json.object().put("type", "object");
        return new Tool(ToolDefinition.of("work", "does what it is told", schema), "test", "work", (call, context) -> {
            String mode = call.arguments().path("mode").asString();
            return switch (mode) {
                case "wait" -> {
                    CompletableFuture<Void> stopped = new CompletableFuture<>();
                    try (var _ = context.cancellation().onCancel(() -> stopped.complete(null))) {
                        CompletableFuture.anyOf(release, stopped).join();
                    }
                    if (stopped.isDone()) {
                        cancelled.add(mode);
                    }
                    yield text("done", false);
                }
                case "error-result" -> text("it went wrong", true);
                case "slow-error-result" -> {
                    release.join();
                    yield text("it went wrong", true);
                }
                case "slow-throw" -> {
                    release.join();
                    throw new RpcException(JsonRpcError.invalidParams("bad argument: " + mode));
                }
                case "ask" -> text("the client said " + asked(context), false);
                case "ask-then-wait" -> {
                    String action = asked(context);
                    release.join();
                    yield text("the client said " + action, false);
                }
                case "upstream-task-ask" -> {
                    questions.upstreamTaskStarted(context);
                    yield text("the client said " + asked(context), false);
                }
                default -> throw new RpcException(JsonRpcError.invalidParams("bad argument: " + mode));
            };
        });
    }

    /** What the client of {@code context} answers to an elicitation. */
    private String asked(RequestContext context) {
        JsonRpcResponse answer = questions.ask(context, "elicitation/create", Json.object().put("message", "which?"),
                                               Duration.ofSeconds(PATIENCE_SECONDS));
        return ((JsonRpcResponse.Success) answer).result().path("action").asString();
    }

    private static ObjectNode text(String text, boolean error) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        if (error) {
            result.put("isError", true);
        }
        return result;
    }
}
