package dev.conduit.upstream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.RequestContext;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.jsonrpc.JsonRpcRequest;
import dev.conduit.core.jsonrpc.JsonRpcResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A stdio upstream (a real child process, {@link OversizedLineServer}) whose message is over max-message-bytes: an
 * answer fails its own call and every other call goes on, as reading a large file through server-filesystem does (an
 * 8 MB file is a 16.8 MB answer, its text twice); what answers no call drops the connection as before.
 */
class OversizedAnswersTest {
    private static final int MAX = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final CompletableFuture<Void> held = new CompletableFuture<>();
    private StdioConnection connection;

    @BeforeEach
    void start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        UpstreamConfig.Stdio spec = new UpstreamConfig.Stdio(java, List.of(
                "-cp", System.getProperty("java.class.path"), OversizedLineServer.class.getName()),
                                                             Optional.empty(), Map.of());
        connection = StdioConnection.start("big", spec, "", MAX, new McpConnection.Listener() {
            @Override
            public void onNotification(JsonRpcNotification notification, Optional<RequestContext> cause) {
                if (notification.method().equals("notifications/held")) {
                    held.complete(null);
                }
            }

            @Override
            public JsonRpcResponse onRequest(JsonRpcRequest request, Optional<RequestContext> cause) {
                throw new AssertionError("not asked");
            }
        });
    }

    @AfterEach
    void stop() {
        connection.close();
    }

    @ParameterizedTest(name = "id first: {0}")
    @ValueSource(booleans = {false, true})
    void anOversizedAnswerFailsItsCallAloneWhileAnotherCallGoesOn(boolean idFirst) throws Exception {
        CompletableFuture<JsonRpcResponse> waiting = CompletableFuture.supplyAsync(() -> call("hold", Json.object()));
        held.get(20, TimeUnit.SECONDS); // in flight
        UpstreamException failed = assertThrows(UpstreamException.class, () -> connection.request(
                "big", Json.object().put("size", 4 * MAX).put("idFirst", idFirst), TIMEOUT));
        assertThat(failed.getMessage(), matchesPattern(
                "upstream 'big' answered with 2621\\d\\d bytes, over its max-message-bytes \\(65536\\); .+"));
        assertThat(result(call("release", Json.object())), is("\"done\""));
        assertThat(result(waiting.get(20, TimeUnit.SECONDS)), is("\"released\""));
        assertThat(connection.alive(), is(true));
        assertThat(result(call("echo", Json.object().put("said", "still here"))), is("{\"said\":\"still here\"}"));
    }

    @Test
    void anOversizedNotificationIsDropped() {
        assertThat(result(call("noisy", Json.object().put("size", 4 * MAX))), is("\"after the noise\""));
        assertThat(connection.alive(), is(true));
    }

    @Test
    void anOversizedLineThatAnswersNoCallDropsTheConnection() {
        UpstreamException failed = assertThrows(UpstreamException.class, () -> connection.request(
                "garbage", Json.object().put("size", 4 * MAX), TIMEOUT));
        assertThat(failed.getMessage(), containsString("larger than its max-message-bytes (65536)"));
        assertThat(connection.alive(), is(false));
    }

    private JsonRpcResponse call(String method, ObjectNode params) {
        try {
            return connection.request(method, params, TIMEOUT);
        } catch (UpstreamException e) {
            throw new AssertionError(e);
        }
    }

    private static String result(JsonRpcResponse response) {
        JsonNode result = ((JsonRpcResponse.Success) response).result();
        return result.toString();
    }
}
