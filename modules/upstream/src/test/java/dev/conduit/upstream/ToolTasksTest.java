package dev.conduit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcError;
import dev.conduit.core.jsonrpc.RpcException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A call of a tool its upstream runs only as a task: it asks for a task kept beyond the call's time, fetches the
 * result with what is left of the time, hands it on without the task's note; an upstream that answers at once is
 * answered with that; a call that gives up (its time ran out, its client cancelled) cancels the task at the upstream,
 * one the upstream answered with an error does not.
 */
class ToolTasksTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What the fake upstream was asked: "method params". */
    private final BlockingQueue<String> asked = new LinkedBlockingQueue<>();

    @Test
    void aTaskIsAskedForAndItsResultHandedOnWithoutTheTasksNote() throws Exception {
        ObjectNode answer = Json.mapper().readValue("""
                {"content": [{"type": "text", "text": "report"}],
                 "_meta": {"io.modelcontextprotocol/related-task": {"taskId": "t-1"}, "kept": 1}}""", ObjectNode.class);
        ToolTasks.Exchange upstream = (method, params, timeout, cause) -> {
            asked.add(method + " " + params);
            assertThat(method + " is sent for the client's request", cause.isPresent(), is(true));
            assertThat(method + " waits no longer than the call's time", timeout.compareTo(TIMEOUT) <= 0, is(true));
            return method.equals("tools/call") ? created("t-1") : answer;
        };

        ObjectNode result = ToolTasks.call("u", upstream, call(), TIMEOUT, context());

        assertThat(result.toString(), result.at("/content/0/text").asString(), is("report"));
        assertThat(result.toString(), result.at("/_meta").toString(), is("{\"kept\":1}"));
        assertThat(asked.poll(), is("tools/call {\"name\":\"research\",\"arguments\":{\"topic\":\"x\"},"
                                    + "\"task\":{\"ttl\":90000}}"));
        assertThat(asked.poll(), is("tasks/result {\"taskId\":\"t-1\"}"));
        assertThat(asked.isEmpty(), is(true));
    }

    @Test
    void anUpstreamThatAnswersAtOnceIsAnsweredWithThat() throws Exception {
        ToolTasks.Exchange upstream = (method, params, timeout, cause) -> {
            asked.add(method);
            return Json.mapper().readTree("{\"content\": []}");
        };

        ObjectNode result = ToolTasks.call("u", upstream, call(), TIMEOUT, context());

        assertThat(result.toString(), is("{\"content\":[]}"));
        assertThat(List.copyOf(asked), is(List.of("tools/call")));
    }

    @Test
    void aCallThatGivesUpCancelsItsTaskAtTheUpstream() throws Exception {
        ToolTasks.Exchange upstream = (method, params, timeout, cause) -> {
            asked.add(method + " " + params);
            return switch (method) {
                case "tools/call" -> created("t-2");
                case "tasks/result" -> throw new UpstreamException("upstream 'u' did not answer tasks/result within "
                                                                   + timeout.toMillis() + " ms");
                default -> Json.object();
            };
        };

        UpstreamException failure = assertThrows(UpstreamException.class,
                () -> ToolTasks.call("u", upstream, call(), TIMEOUT, context()));

        assertThat(failure.getMessage(), containsString("did not answer tasks/result"));
        assertThat(asked.poll(), containsString("tools/call"));
        assertThat(asked.poll(), is("tasks/result {\"taskId\":\"t-2\"}"));
        // The cancellation goes off the caller's thread (which may have been interrupted).
        assertThat(asked.poll(10, TimeUnit.SECONDS), is("tasks/cancel {\"taskId\":\"t-2\"}"));
    }

    @Test
    void aTaskTheUpstreamEndedWithAnErrorIsNotCancelled() throws Exception {
        ToolTasks.Exchange upstream = (method, params, timeout, cause) -> {
            asked.add(method);
            return switch (method) {
                case "tools/call" -> created("t-3");
                case "tasks/result" -> throw new RpcException(JsonRpcError.of(-32603, "task t-3 failed"));
                default -> Json.object();
            };
        };

        RpcException failure = assertThrows(RpcException.class,
                () -> ToolTasks.call("u", upstream, call(), TIMEOUT, context()));

        assertThat(failure.getMessage(), containsString("task t-3 failed"));
        // The cancellation, had there been one, would have been asked for before the call returned its failure.
        assertThat(List.copyOf(asked), is(List.of("tools/call", "tasks/result")));
    }

    @Test
    void onlyToolsThatRequireATaskAtUpstreamsThatRunThemGoAsTasks() throws Exception {
        assertThat(ToolTasks.required(Json.mapper().readTree("{\"execution\": {\"taskSupport\": \"required\"}}")),
                   is(true));
        assertThat(ToolTasks.required(Json.mapper().readTree("{\"execution\": {\"taskSupport\": \"optional\"}}")),
                   is(false));
        assertThat(ToolTasks.required(Json.mapper().readTree("{\"name\": \"plain\"}")), is(false));
        assertThat(ToolTasks.offered(Json.mapper().readTree("{\"tasks\": {\"requests\": {\"tools\": {\"call\": {}}}}}")),
                   is(true));
        assertThat(ToolTasks.offered(Json.mapper().readTree("{\"tasks\": {\"list\": {}}}")), is(false));
    }

    @Test
    void aTasksQuestionReachesTheClientWithoutTheTasksNote() throws Exception {
        ObjectNode params = Json.mapper().readValue("""
                {"message": "which?", "_meta": {"io.modelcontextprotocol/related-task": {"taskId": "t-4"}}}""",
                ObjectNode.class);

        ObjectNode relayed = ToolTasks.forClient(params);

        assertThat(relayed.toString(), is("{\"message\":\"which?\"}"));
        assertThat("the upstream's own message is left as it came", params.has("_meta"), is(true));
        ObjectNode plain = Json.object().put("message", "plain");
        assertThat(ToolTasks.forClient(plain) == plain, is(true));
    }

    private static JsonNode created(String taskId) {
        ObjectNode result = Json.object();
        result.putObject("task").put("taskId", taskId).put("status", "working");
        return result;
    }

    private static ObjectNode call() {
        ObjectNode params = Json.object().put("name", "research");
        params.putObject("arguments").put("topic", "x");
        return params;
    }

    private static RequestContext context() {
        return new RequestContext(Principal.anonymous(), "cid", new LocalSession("s", ProtocolVersion.latest()),
                                  ClientChannel.discarding());
    }
}
