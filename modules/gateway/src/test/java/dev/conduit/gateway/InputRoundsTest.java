package dev.conduit.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.ClientRequests;
import dev.conduit.core.LocalSession;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpSession;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcId;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

class InputRoundsTest {
    private static final JsonRpcRequest CALL = new JsonRpcRequest(JsonRpcId.of(1), McpMethods.TOOLS_CALL, Json.object());

    /** A client that can answer nothing is never asked anything: its request runs on the caller's thread. */
    @Test
    void aClientThatCannotBeAskedIsServedOnItsOwnThread() {
        assertThat(servedOn(Json.object()), sameInstance(Thread.currentThread()));
    }

    /** A client that can answer gets a round: the request runs on a thread of its own, so it can wait for answers. */
    @Test
    void aClientThatCanBeAskedGetsARoundThread() {
        ObjectNode capabilities = Json.object();
        capabilities.putObject("elicitation");
        assertThat(servedOn(capabilities), not(sameInstance(Thread.currentThread())));
    }

    /**
     * A client may answer in advance (its first request carries {@code inputResponses}, no {@code requestState}): a
     * question asked under a key it answered gets that answer without a round trip, and answers nobody asked for are
     * ignored (the conformance suite's input-required-result-ignore-extra-params).
     */
    @Test
    void answersGivenInAdvanceAreUsedAndExtraOnesIgnored() {
        McpSession session = new LocalSession("s", "http", ProtocolVersion.V2026_07_28);
        ObjectNode capabilities = Json.object();
        capabilities.putObject("elicitation");
        session.clientCapabilities(capabilities);
        ClientRequests clients = new ClientRequests();
        InputRounds rounds = new InputRounds(clients);
        try {
            ObjectNode params = Json.object();
            ObjectNode responses = params.putObject("inputResponses");
            responses.putObject("who").put("action", "accept").putObject("content").put("name", "Ada");
            responses.putObject("unknown_extra_key").put("action", "accept");
            responses.put("not_an_answer", 12345);
            JsonRpcRequest call = new JsonRpcRequest(JsonRpcId.of(7), McpMethods.TOOLS_CALL, params);
            JsonRpcResponse response = rounds.serve(call, TestSession.context(session, List.of("*")), context -> {
                JsonRpcResponse answer = clients.askAll(context, List.of(new ClientRequests.Question(
                        Optional.of("who"), "elicitation/create", Json.object())), Duration.ofSeconds(5)).getFirst();
                return JsonRpcResponse.success(call.id(), Json.object().put("greeting", "Hello, "
                        + ((JsonRpcResponse.Success) answer).result().at("/content/name").asString()));
            });
            assertThat(response.toString(), ((JsonRpcResponse.Success) response).result().get("greeting").asString(),
                       is("Hello, Ada"));
            assertThat("no round is left waiting", rounds.waiting(), is(0));
        } finally {
            rounds.close();
        }
    }

    private static Thread servedOn(ObjectNode capabilities) {
        McpSession session = TestSession.create();
        session.clientCapabilities(capabilities);
        InputRounds rounds = new InputRounds(new ClientRequests());
        try {
            AtomicReference<Thread> ran = new AtomicReference<>();
            JsonRpcResponse response = rounds.serve(CALL, TestSession.context(session, List.of("*")), context -> {
                ran.set(Thread.currentThread());
                return JsonRpcResponse.success(CALL.id(), Json.object());
            });
            assertThat(response, instanceOf(JsonRpcResponse.Success.class));
            assertThat("no round is left waiting", rounds.waiting(), is(0));
            return ran.get();
        } finally {
            rounds.close();
        }
    }
}
