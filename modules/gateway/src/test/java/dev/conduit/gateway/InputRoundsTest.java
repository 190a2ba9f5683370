package dev.conduit.gateway;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.conduit.core.ClientRequests;
import dev.conduit.core.McpMethods;
import dev.conduit.core.McpSession;
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
