package dev.conduit.upstream;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.Cancellation;
import dev.conduit.core.ClientChannel;
import dev.conduit.core.LocalSession;
import dev.conduit.core.Principal;
import dev.conduit.core.ProtocolVersion;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/**
 * A call the gateway gives up on is given up on at the server too: the server is told
 * ({@code notifications/cancelled} with the request id it knows and why) when the call's cause is cancelled, when
 * the thread waiting for it is interrupted (an engine stopping the program that made the call), and when it times
 * out; and the caller is free at once.
 */
class MessageRouterTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final long PATIENCE_SECONDS = 30;

    private final BlockingQueue<JsonRpcMessage> wire = new LinkedBlockingQueue<>();
    private final MessageRouter router = new MessageRouter("up", new McpConnection.Listener() {
        @Override
        public void onNotification(JsonRpcNotification notification, Optional<RequestContext> cause) {
            // none expected
        }

        @Override
        public JsonRpcResponse onRequest(JsonRpcRequest request, Optional<RequestContext> cause) {
            throw new AssertionError("no server requests in these tests");
        }
    }, response -> { });

    @Test
    void aCancelledPartOfARequestTellsTheServerWhyAndFreesTheCaller() throws Exception {
        Cancellation programCalls = new Cancellation().child();
        CompletableFuture<Throwable> failed = calling(context(programCalls), LONG);
        JsonRpcRequest sent = (JsonRpcRequest) next();
        programCalls.cancel("the program ended before the call answered");
        assertThat(failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS).getMessage(),
                   containsString("was cancelled (the program ended before the call answered)"));
        assertCancelled(sent, "the program ended before the call answered");
    }

    @Test
    void anInterruptedCallerTellsTheServerTheCallWasAbandoned() throws Exception {
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        Cancellation programCalls = new Cancellation();
        CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
            caller.complete(Thread.currentThread());
            return attempt(context(programCalls), LONG);
        }, runnable -> Thread.ofPlatform().start(runnable));
        JsonRpcRequest sent = (JsonRpcRequest) next();
        caller.get().interrupt();
        assertThat(failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS).getMessage(), containsString("was interrupted"));
        assertCancelled(sent, "the program that made the call was stopped");
        programCalls.cancel("the program ran out of time"); // as the bridge does a moment later
        assertThat("the server is told once", wire.isEmpty(), is(true));
    }

    @Test
    void aCallThatTimesOutTellsTheServer() throws Exception {
        CompletableFuture<Throwable> failed = calling(context(new Cancellation()), Duration.ofMillis(50));
        JsonRpcRequest sent = (JsonRpcRequest) next();
        assertThat(failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS).getMessage(), containsString("did not answer"));
        assertCancelled(sent, "timed out in the Conduit gateway");
    }

    private CompletableFuture<Throwable> calling(RequestContext cause, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> attempt(cause, timeout),
                                             runnable -> Thread.ofVirtual().start(runnable));
    }

    /** The failure of a tools/call that the server never answers. */
    private Throwable attempt(RequestContext cause, Duration timeout) {
        try {
            router.request("tools/call", Json.object().put("name", "hold"), timeout, Optional.of(cause), wire::add);
            return new AssertionError("the call was answered");
        } catch (UpstreamException e) {
            return e;
        }
    }

    private void assertCancelled(JsonRpcRequest sent, String reason) throws InterruptedException {
        JsonRpcMessage told = next();
        assertThat(told, instanceOf(JsonRpcNotification.class));
        JsonRpcNotification notification = (JsonRpcNotification) told;
        assertThat(notification.method(), is("notifications/cancelled"));
        assertThat(notification.params().path("requestId"), is(sent.id().toJson()));
        assertThat(notification.params().path("reason").asString(), is(reason));
        assertThat("nothing else was sent", wire.isEmpty(), is(true));
    }

    private JsonRpcMessage next() throws InterruptedException {
        JsonRpcMessage message = wire.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("nothing was sent to the server");
        }
        return message;
    }

    private static RequestContext context(Cancellation cancellation) {
        return new RequestContext(Principal.anonymous(), "cid", new LocalSession("s", ProtocolVersion.latest()),
                                  ClientChannel.discarding(), cancellation);
    }
}
