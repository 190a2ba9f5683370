package dev.conduit.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import dev.conduit.core.jsonrpc.Outcome;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/**
 * The gateway's requests to a client: sent on the channel of the request that caused them, answered only by a
 * response from the same session, failed clearly when the client cannot be asked, does not answer (the client then
 * told to drop it) or the cause is cancelled; nothing stays pending afterwards.
 */
class ClientRequestsTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final ClientRequests requests = new ClientRequests();
    private final McpSession session = new LocalSession("s1", ProtocolVersion.latest());
    private final List<JsonRpcMessage> sent = new CopyOnWriteArrayList<>();

    @Test
    void theClientsAnswerFromTheSameSessionCompletesTheRequest() {
        McpSession other = new LocalSession("s2", ProtocolVersion.latest());
        RequestContext cause = context(message -> {
            sent.add(message);
            if (message instanceof JsonRpcRequest request) {
                ObjectNode result = Json.object();
                result.put("model", "m");
                // Another session knowing the id cannot answer for this one; the right session can.
                Thread.ofVirtual().start(() -> {
                    assertThat(requests.complete(other, JsonRpcResponse.success(request.id(), Json.object())),
                               is(false));
                    assertThat(requests.complete(session, JsonRpcResponse.success(request.id(), result)), is(true));
                });
            }
        });
        JsonRpcResponse answer = requests.ask(cause, McpMethods.SAMPLING_CREATE_MESSAGE, Json.object(), LONG);
        assertThat(answer, instanceOf(JsonRpcResponse.Success.class));
        assertThat(((JsonRpcResponse.Success) answer).result().path("model").asString(), is("m"));
        assertThat(((JsonRpcRequest) sent.getFirst()).method(), is(McpMethods.SAMPLING_CREATE_MESSAGE));
        assertThat(requests.waiting(), is(0));
    }

    @Test
    void aChannelThatCannotCarryRequestsFailsAtOnce() {
        RequestContext cause = new RequestContext(Principal.anonymous(), "cid", session, ClientChannel.discarding());
        JsonRpcResponse answer = requests.ask(cause, McpMethods.ELICITATION_CREATE, Json.object(), LONG);
        assertThat(((JsonRpcResponse.Failure) answer).error().message(), containsString("text/event-stream"));
        assertThat(requests.waiting(), is(0));
    }

    @Test
    void aModernClientIsNeverSentARequestOnItsResponseStream() {
        RequestContext cause = new RequestContext(Principal.anonymous(), "cid",
                new LocalSession("m", ProtocolVersion.V2026_07_28), sent::add);
        JsonRpcResponse answer = requests.ask(cause, McpMethods.SAMPLING_CREATE_MESSAGE, Json.object(), LONG);
        assertThat(((JsonRpcResponse.Failure) answer).error().message(), containsString("2026-07-28"));
        assertThat(sent.isEmpty(), is(true));
    }

    @Test
    void cancellingTheCauseCancelsTheRequestAndTellsTheClient() {
        Cancellation cancellation = new Cancellation();
        RequestContext cause = new RequestContext(Principal.anonymous(), "cid", session, message -> {
            sent.add(message);
            if (message instanceof JsonRpcRequest) {
                Thread.ofVirtual().start(() -> cancellation.cancel("the client went away"));
            }
        }, cancellation);
        JsonRpcResponse answer = requests.ask(cause, McpMethods.ELICITATION_CREATE, Json.object(), LONG);
        assertThat(((JsonRpcResponse.Failure) answer).error().code(), is(Outcome.CANCELLED.code()));
        JsonRpcNotification told = (JsonRpcNotification) sent.getLast();
        assertThat(told.method(), is(McpMethods.CANCELLED));
        assertThat(told.params().path("requestId").asString(), is(((JsonRpcRequest) sent.getFirst()).id().toJson()
                .asString()));
        assertThat(requests.waiting(), is(0));
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeoutAndTheClientIsToldToDropTheRequest() {
        JsonRpcResponse answer = requests.ask(context(sent::add), McpMethods.SAMPLING_CREATE_MESSAGE, Json.object(),
                                              Duration.ofMillis(50));
        assertThat(((JsonRpcResponse.Failure) answer).error().code(), is(Outcome.TIMEOUT.code()));
        assertThat(requests.waiting(), is(0));
        JsonRpcNotification told = (JsonRpcNotification) sent.getLast();
        assertThat(told.method(), is(McpMethods.CANCELLED));
        assertThat(told.params().path("requestId"), is(((JsonRpcRequest) sent.getFirst()).id().toJson()));
        assertThat(told.params().path("reason").asString(), containsString("did not answer"));
    }

    @Test
    void questionsOfAPartOfRoutedWorkGoWhereTheWorksGoAndSoDoesWordOfAnUpstreamTask() {
        Cancellation work = new Cancellation();
        List<String> routedHere = new CopyOnWriteArrayList<>();
        List<String> told = new CopyOnWriteArrayList<>();
        try (var _ = requests.route(work, (cause, questions, timeout) -> {
            questions.forEach(question -> routedHere.add(question.method()));
            return questions.stream().map(question -> JsonRpcResponse.success(JsonRpcId.of("k"), Json.object()))
                    .toList();
        }); var _ = requests.onUpstreamTask(work, () -> told.add("task"))) {
            // A program's tool call within the work: a cancellation of its own, part of the work's.
            RequestContext call = new RequestContext(Principal.anonymous(), "cid", session, sent::add, work.child());
            JsonRpcResponse answer = requests.ask(call, McpMethods.ELICITATION_CREATE, Json.object(), LONG);
            requests.upstreamTaskStarted(call);
            assertThat(answer, instanceOf(JsonRpcResponse.Success.class));
            assertThat(routedHere, is(List.of(McpMethods.ELICITATION_CREATE)));
            assertThat(told, is(List.of("task")));
            assertThat("nothing went to the call's own channel", sent.isEmpty(), is(true));
        }
        // Other work is not routed there.
        requests.upstreamTaskStarted(new RequestContext(Principal.anonymous(), "cid", session, sent::add));
        assertThat(told.size(), is(1));
    }

    @Test
    void logMessagesGoOnlyToAClientThatAskedForTheirLevel() {
        RequestContext context = context(sent::add);
        context.log(LogLevel.ERROR, "conduit", "before any level was asked for");
        assertThat(sent.size(), is(0));
        session.logLevel(LogLevel.WARNING);
        context.log(LogLevel.INFO, "conduit", "too verbose");
        context.log(LogLevel.ERROR, "conduit", "upstream down");
        assertThat(sent.size(), is(1));
        JsonRpcNotification message = (JsonRpcNotification) sent.getFirst();
        assertThat(message.method(), is(McpMethods.MESSAGE));
        assertThat(message.params().path("level").asString(), is("error"));
        assertThat(message.params().path("logger").asString(), is("conduit"));
        assertThat(message.params().path("data").asString(), is("upstream down"));
    }

    private RequestContext context(ClientChannel channel) {
        return new RequestContext(Principal.anonymous(), "cid", session, channel);
    }
}
