package dev.conduit.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.conduit.auth.ApiKey;
import dev.conduit.auth.AuthConfig;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.McpEndpoint;
import dev.conduit.core.McpSession;
import dev.conduit.core.Principal;
import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcMessage;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

class LineChannelTest {
    private static final String SECRET = "line-secret-0123456789";

    /** Answers "slow" only after "fast" has been answered, to prove requests on one line run concurrently. */
    private final CountDownLatch fastDone = new CountDownLatch(1);
    private final McpEndpoint endpoint = (message, context) -> {
        if (!(message instanceof JsonRpcRequest request)) {
            return Optional.empty();
        }
        boolean sawFast = false;
        if (request.method().equals("slow")) {
            try {
                sawFast = fastDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (request.method().equals("fast")) {
            fastDone.countDown();
        }
        return Optional.of(JsonRpcResponse.success(request.id(), Json.object()
                .put("who", context.principal().id())
                .put("sawFast", sawFast)));
    };

    @Test
    void requestsRunConcurrentlyAndNotificationsGetNoReply() {
        List<JsonNode> lines = serve(new LineChannel.Caller.Fixed(new Principal("stdio-key", List.of("*"))), """
                {"jsonrpc":"2.0","id":1,"method":"slow"}
                {"jsonrpc":"2.0","method":"notifications/initialized"}
                {"jsonrpc":"2.0","id":2,"method":"fast"}
                """);
        assertThat(lines.size(), is(2));
        JsonNode slow = lines.stream().filter(line -> line.get("id").asInt() == 1).findFirst().orElseThrow();
        // "slow" only finishes in time if "fast", read after it, ran while it was waiting.
        assertThat(slow.at("/result/sawFast").asBoolean(), is(true));
        assertThat(slow.at("/result/who").asString(), is("stdio-key"));
    }

    /** A connection's session ends with it: what the gateway held for it (subscriptions) is released then. */
    @Test
    void theSessionEndsWhenTheConnectionDoesAfterItsRequestsWereAnswered() {
        List<String> events = new CopyOnWriteArrayList<>();
        McpEndpoint recording = new McpEndpoint() {
            @Override
            public Optional<JsonRpcResponse> handle(JsonRpcMessage message, RequestContext context) {
                events.add("handled " + context.session().id());
                return message instanceof JsonRpcRequest request
                        ? Optional.of(JsonRpcResponse.success(request.id(), Json.object())) : Optional.empty();
            }

            @Override
            public void sessionEnded(McpSession session) {
                events.add("ended " + session.id());
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LineChannel("socket-7", "socket", LineChannel.LineSink.locked(out), recording,
                        new LineChannel.Caller.Fixed(Principal.anonymous()), 1 << 20, 8)
                .serve(new ByteArrayInputStream("""
                        {"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"x://a"}}
                        """.getBytes(StandardCharsets.UTF_8)));
        assertThat(events, is(List.of("handled socket-7", "ended socket-7")));
    }

    @Test
    void tokenModeRefusesWithoutTokenAndAuthenticatesTheConnectionOnce() {
        Authenticator authenticator = Authenticator.create(new AuthConfig(true, List.of(
                ApiKey.of("sock", SECRET, List.of("*")))));
        List<JsonNode> lines = serve(new LineChannel.Caller.ByToken(authenticator), """
                {"jsonrpc":"2.0","id":1,"method":"fast"}
                {"jsonrpc":"2.0","id":2,"method":"fast","auth":{"bearerToken":"wrong-token-000000000"}}
                {"jsonrpc":"2.0","id":3,"method":"fast","auth":{"bearerToken":"%s"}}
                {"jsonrpc":"2.0","id":4,"method":"fast"}
                """.formatted(SECRET));
        assertThat(lines.get(0).at("/error/code").asInt(), is(-32003));
        assertThat(lines.get(1).at("/error/code").asInt(), is(-32003));
        assertThat(lines.get(2).at("/result/who").asString(), is("sock"));
        assertThat(lines.get(3).at("/result/who").asString(), is("sock"));
    }

    @Test
    void garbageGetsParseErrorsAndARunOfItEndsTheConnection() {
        String garbage = "not json\n".repeat(12) + "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"fast\"}\n";
        List<JsonNode> lines = serve(new LineChannel.Caller.Fixed(Principal.anonymous()), garbage);
        assertThat(lines.size(), is(10));
        assertThat(lines.getFirst().at("/error/code").asInt(), is(-32700));
        assertThat(lines.getFirst().get("id").isNull(), is(true));
    }

    /** An oversized line that is no request or notification is answered with id null and ends the connection. */
    @Test
    void overlongLineOfNoMessageEndsTheConnection() {
        List<JsonNode> lines = serve(new LineChannel.Caller.Fixed(Principal.anonymous()),
                                     "x".repeat(4096) + "\n{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"fast\"}\n", 1024);
        assertThat(lines.size(), is(1));
        assertThat(lines.getFirst().get("id").isNull(), is(true));
        assertThat(lines.getFirst().at("/error/message").asString(),
                   containsString("a message of 4096 bytes, over the largest message this connection reads (1024 bytes)"));
    }

    /**
     * An oversized request is refused alone (-32600, its own id) and an oversized notification dropped: the requests
     * after them on the connection are served. (A desktop client's whole stdio session used to end with it.)
     */
    @Test
    void anOversizedRequestIsRefusedAloneAndTheConnectionGoesOn() {
        String bulk = "{\"code\":\"" + "x".repeat(4096) + "\"}";
        List<JsonNode> lines = serve(new LineChannel.Caller.Fixed(Principal.anonymous()), """
                {"method":"tools/call","params":%1$s,"jsonrpc":"2.0","id":5}
                {"jsonrpc":"2.0","method":"notifications/message","params":%1$s}
                {"jsonrpc":"2.0","id":9,"method":"fast"}
                """.formatted(bulk), 1024);
        assertThat(lines.size(), is(2));
        assertThat(lines.get(0).get("id").asInt(), is(5));
        assertThat(lines.get(0).at("/error/code").asInt(), is(-32600));
        assertThat(lines.get(0).at("/error/message").asString(), containsString("it was not read"));
        assertThat(lines.get(1).get("id").asInt(), is(9));
        assertThat(lines.get(1).has("result"), is(true));
    }

    /** Before a connection has authenticated, an oversized line ends it: nobody reads a gigabyte for a stranger. */
    @Test
    void anOversizedLineBeforeAuthenticationEndsTheConnection() {
        Authenticator authenticator = Authenticator.create(new AuthConfig(true, List.of(
                ApiKey.of("sock", SECRET, List.of("*")))));
        List<JsonNode> lines = serve(new LineChannel.Caller.ByToken(authenticator), """
                {"jsonrpc":"2.0","id":5,"method":"fast","params":{"code":"%s"},"auth":{"bearerToken":"%s"}}
                {"jsonrpc":"2.0","id":9,"method":"fast","auth":{"bearerToken":"%2$s"}}
                """.formatted("x".repeat(4096), SECRET), 1024);
        assertThat(lines.size(), is(1));
        assertThat(lines.getFirst().get("id").isNull(), is(true));
        assertThat(lines.getFirst().at("/error/message").asString(), containsString("before the connection authenticated"));
    }

    @Test
    void batchesAreRefused() {
        List<JsonNode> lines = serve(new LineChannel.Caller.Fixed(Principal.anonymous()),
                                     "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fast\"}]\n");
        assertThat(lines.getFirst().at("/error/message").asString(), containsString("one message per line"));
    }

    /**
     * An answer over the channel's cap is replaced by a small one that says so (a tool error for a tool call, -32000
     * otherwise) and the connection goes on; a notification over it is left out.
     */
    @Test
    void answersOverTheCapAreReplacedAndTheConnectionGoesOn() {
        MessageCap cap = new MessageCap(64 * 1024, "transports.stdio.max-message-bytes");
        String big = "x".repeat(100 * 1024);
        McpEndpoint sized = (message, context) -> {
            if (!(message instanceof JsonRpcRequest request)) {
                return Optional.empty();
            }
            int size = request.params().path("size").asInt();
            context.channel().send(new JsonRpcNotification("notifications/message",
                                                             Json.object().put("data", big.substring(0, size))));
            return Optional.of(JsonRpcResponse.success(request.id(), Json.object().put("text", big.substring(0, size))));
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LineChannel("test", "stdio", LineChannel.LineSink.locked(out), cap, sized,
                        new LineChannel.Caller.Fixed(Principal.anonymous()), 1 << 20, 1)
                .serve(new ByteArrayInputStream("""
                        {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"size":102400}}
                        {"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"size":102400}}
                        {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"size":10}}
                        """.getBytes(StandardCharsets.UTF_8)));
        List<JsonNode> lines = out.toString(StandardCharsets.UTF_8).lines().map(line -> Json.mapper().readTree(line))
                .toList();
        // The two large notifications are left out; the small one and the three answers arrive, in order (one at once).
        assertThat(lines.size(), is(4));
        assertThat(lines.get(0).at("/result/isError").asBoolean(), is(true));
        assertThat(lines.get(0).at("/result/content/0/text").asString(), containsString(
                "The answer to tools/call is 102445 bytes of JSON, over the 65536 bytes a message to this client may "
                + "carry (transports.stdio.max-message-bytes)"));
        assertThat(lines.get(1).at("/error/code").asInt(), is(-32000));
        assertThat(lines.get(1).at("/error/message").asString(), containsString("The answer to resources/read is"));
        assertThat(lines.get(2).at("/params/data").asString(), is("xxxxxxxxxx"));
        assertThat(lines.get(3).at("/result/text").asString(), is("xxxxxxxxxx"));
    }

    private List<JsonNode> serve(LineChannel.Caller callers, String input) {
        return serve(callers, input, 1 << 20);
    }

    private List<JsonNode> serve(LineChannel.Caller callers, String input, int maxLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LineChannel("test", "test", LineChannel.LineSink.locked(out), endpoint, callers, maxLine, 8)
                .serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8).lines().map(line -> Json.mapper().readTree(line)).toList();
    }
}
