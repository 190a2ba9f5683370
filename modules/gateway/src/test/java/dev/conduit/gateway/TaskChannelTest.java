package dev.conduit.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conduit.core.ClientChannel;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A task's way back to its client: a question waits for a {@code tasks/result} to attach and goes out tagged with the
 * task; notifications nobody waits for are dropped; a question given up on before anyone saw it is not shown later;
 * one left unanswered when its request ended goes out again on the next.
 */
class TaskChannelTest {
    private final AtomicInteger questions = new AtomicInteger();
    private final TaskChannel channel = new TaskChannel("t-1", questions::incrementAndGet);
    private final List<JsonRpcMessage> sent = new ArrayList<>();
    private final ClientChannel result = sent::add;

    @Test
    void aQuestionWaitsForTasksResultAndGoesOutTaggedWithTheTask() {
        channel.send(question(1));
        channel.send(progress());
        assertThat("told of the question", questions.get(), is(1));
        assertThat(sent.isEmpty(), is(true));

        channel.attach(result);
        channel.send(progress());

        assertThat(sent.size(), is(2)); // the kept question, then the progress sent while attached
        JsonRpcRequest question = (JsonRpcRequest) sent.getFirst();
        assertThat(question.id(), is(JsonRpcId.of(1)));
        assertThat(question.params().at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is("t-1"));
        assertThat(question.params().get("message").asString(), is("which?"));
        assertThat(sent.get(1).toString(), ((JsonRpcNotification) sent.get(1)).params()
                .at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is("t-1"));
    }

    @Test
    void aQuestionGivenUpOnBeforeAnyoneSawItIsNotShownLater() {
        channel.send(question(1));
        channel.send(question(2));
        ObjectNode cancelled = Json.object();
        cancelled.put("requestId", 1);
        channel.send(new JsonRpcNotification("notifications/cancelled", cancelled));

        channel.attach(result);

        assertThat(sent.size(), is(1));
        assertThat(((JsonRpcRequest) sent.getFirst()).id(), is(JsonRpcId.of(2)));
    }

    @Test
    void afterItsRequestEndedQuestionsWaitForTheNext() {
        channel.attach(result);
        channel.detach(result);
        channel.send(question(3));
        assertThat(sent.isEmpty(), is(true));

        List<JsonRpcMessage> next = new ArrayList<>();
        channel.attach(next::add);
        assertThat(((JsonRpcRequest) next.getFirst()).id(), is(JsonRpcId.of(3)));
    }

    @Test
    void aQuestionLeftUnansweredWhenItsRequestEndedGoesOutAgainOnTheNextUntilAnsweredOrGivenUp() {
        channel.attach(result);
        channel.send(question(5));
        channel.send(question(6));
        channel.send(question(7));
        channel.detach(result); // the stream broke before any answer
        assertThat(channel.answered(JsonRpcId.of(5)), is(true)); // answered late, from wherever
        assertThat(channel.answered(JsonRpcId.of(5)), is(false));
        ObjectNode cancelled = Json.object();
        cancelled.put("requestId", 6);
        channel.send(new JsonRpcNotification("notifications/cancelled", cancelled)); // given up on meanwhile

        List<JsonRpcMessage> next = new ArrayList<>();
        channel.attach(next::add);

        assertThat(next.size(), is(1));
        assertThat(((JsonRpcRequest) next.getFirst()).id(), is(JsonRpcId.of(7)));
        assertThat(((JsonRpcRequest) next.getFirst()).params()
                .at("/_meta/io.modelcontextprotocol~1related-task/taskId").asString(), is("t-1"));
        assertThat("asked once each", questions.get(), is(3));
    }

    @Test
    void aRequestThatCannotCarryQuestionsLeavesThemWaiting() {
        channel.send(question(4));
        channel.attach(ClientChannel.discarding());
        channel.attach(result);
        assertThat(((JsonRpcRequest) sent.getFirst()).id(), is(JsonRpcId.of(4)));
    }

    private static JsonRpcRequest question(int id) {
        return new JsonRpcRequest(JsonRpcId.of(id), "elicitation/create", Json.object().put("message", "which?"));
    }

    private static JsonRpcNotification progress() {
        return new JsonRpcNotification("notifications/progress", Json.object().put("progress", 1));
    }
}
