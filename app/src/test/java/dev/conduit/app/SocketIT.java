package dev.conduit.app;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * The original's Unix socket transport on the real distribution, driven by a plain-socket client of the test's own
 * through the 1.0 flows against the real server-everything upstream.
 */
@Timeout(120)
class SocketIT {
    private static final Path EVERYTHING = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static Path socket;

    @BeforeAll
    static void start() throws Exception {
        socket = dir.resolve("conduit.sock");
        // A stale file from a crashed server must not stop the start.
        try (var stale = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                transports:
                  socket:
                    path: %s
                    max-line-bytes: 65536
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                """.formatted(socket, RunningConduit.NODE.toAbsolutePath(), EVERYTHING));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void theSocketFileIsOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)), is("rw-------"));
    }

    @Test
    void originalFlowsWithATokenPerRequest() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            JsonNode discovered = client.call(1, "mcp.discoverTools", "{}", RunningConduit.API_KEY);
            assertThat(discovered.toString(), discovered.at("/result/tools").toString(),
                       containsString("everything__echo"));
            JsonNode echoed = client.call(2, "mcp.callTool",
                                          "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"over a socket\"}}",
                                          RunningConduit.API_KEY);
            assertThat(echoed.toString(), echoed.at("/result/content/0/text").asString(), is("Echo: over a socket"));
            JsonNode typescript = client.call(3, "mcp.executeTypeScript", Json.object().put("code", """
                    const r: string = await tools.everything.echo({message: 'ts'}) as string;
                    console.log(r)""").toString(), RunningConduit.API_KEY);
            assertThat(typescript.toString(), typescript.at("/result/stdout").asString(), is("Echo: ts\n"));
            JsonNode python = client.call(4, "mcp.executePython", Json.object().put("code", """
                    print(tools.everything.get_sum(a=2, b=40))""").toString(), RunningConduit.API_KEY);
            assertThat(python.toString(), python.at("/result/exitCode").asInt(), is(0));
            assertThat(python.at("/result/stdout").asString(), containsString("42"));
        }
    }

    /** A connection's session ends with it: a subscription it never undid is released when it closes. */
    @Test
    void aClosedConnectionNoLongerHoldsItsSubscriptions() throws Exception {
        double before = conduit.metric("conduit_subscriptions_held");
        try (LineClient client = LineClient.open(socket)) {
            JsonNode subscribed = client.call(1, "resources/subscribe",
                                              "{\"uri\":\"demo://resource/static/document/architecture.md\"}",
                                              RunningConduit.API_KEY);
            assertThat(subscribed.toString(), subscribed.has("result"), is(true));
            assertThat(conduit.metric("conduit_subscriptions_held"), is(before + 1));
        }
        assertThat(RunningConduit.pollUntil(Duration.ofSeconds(10),
                                            () -> conduit.metric("conduit_subscriptions_held") == before), is(true));
    }

    @Test
    void noTokenOrAWrongOneGetsForbiddenAndNothingElse() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            JsonNode none = client.call(1, "mcp.discoverTools", "{}", null);
            assertThat(none.at("/error/code").asInt(), is(-32003));
            assertThat(none.get("result"), nullValue());
            JsonNode wrong = client.call(2, "mcp.discoverTools", "{}", "wrong-token-0123456789");
            assertThat(wrong.at("/error/code").asInt(), is(-32003));
        }
    }

    @Test
    void aConnectionAuthenticatesOnceAndTheLimitedKeyStaysLimited() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            client.call(1, "ping", "{}", RunningConduit.LIMITED_KEY);
            JsonNode discovered = client.call(2, "mcp.discoverTools", "{}", null);
            List<String> upstreamTools = discovered.at("/result/tools").valueStream()
                    .map(tool -> tool.get("name").asString()).filter(name -> name.startsWith("everything__")).toList();
            assertThat(discovered.toString(), upstreamTools, is(List.of("everything__echo")));
            JsonNode refused = client.call(3, "mcp.callTool", "{\"name\":\"everything__get-sum\",\"arguments\":"
                                                              + "{\"a\":1,\"b\":2}}", null);
            assertThat(refused.toString(), refused.has("error"), is(true));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredAsEachFinishesAndNotificationsGetNoReply() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            client.send(1, "mcp.executeIsolate", Json.object().put("code", """
                    await tools.everything.trigger_long_running_operation({duration: 1, steps: 1});
                    console.log('slow done')""").toString(), RunningConduit.API_KEY);
            client.raw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            client.send(2, "ping", "{}", RunningConduit.API_KEY);
            JsonNode first = client.read();
            JsonNode second = client.read();
            assertThat(first.toString(), first.get("id").asInt(), is(2));
            assertThat(second.toString(), second.at("/result/stdout").asString(), is("slow done\n"));
        }
    }

    @Test
    void aCancelledExecutionStopsOnTheLineProtocolToo() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            spin(client, 7);
            // Cancelled at once or while it spins: either way it answers -32800, not a limit's code.
            client.raw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7},"
                       + "\"auth\":{\"bearerToken\":\"" + RunningConduit.API_KEY + "\"}}");
            JsonNode answer = client.read();
            assertThat(answer.toString(), answer.get("id").asInt(), is(7));
            assertThat(answer.toString(), answer.at("/error/code").asInt(), is(-32800));
        }
    }

    @Test
    void closingTheConnectionCancelsItsExecutions() throws Exception {
        try (LineClient client = LineClient.open(socket)) {
            spin(client, 8);
            assertThat(RunningConduit.pollUntil(RunningConduit.patient(Duration.ofSeconds(10)),
                                                () -> conduit.metric("conduit_executions_running") == 1), is(true));
        }
        // Without the cancellation the program would spin until a limit stopped it, and this line would not appear.
        assertThat(conduit.log(), conduit.awaitLog("client gone while 1 of its requests ran", Duration.ofSeconds(10)),
                   is(true));
        assertThat(RunningConduit.pollUntil(Duration.ofSeconds(10),
                                            () -> conduit.metric("conduit_executions_running") == 0), is(true));
        assertThat(conduit.metric("conduit_clients_gone_total"), greaterThanOrEqualTo(1.0));
    }

    /** Starts a program that spins until something stops it (its limits are as high as the server allows). */
    private static void spin(LineClient client, int id) throws IOException {
        client.send(id, "mcp.executeIsolate", Json.object().put("code", "console.log('spinning'); for (;;) {}")
                .set("limits", Json.object().put("timeoutMs", 60_000).put("cpuTimeMs", 60_000)).toString(),
                    RunningConduit.API_KEY);
    }

    @Test
    void aClientThatHalfClosesStillGetsItsAnswers() throws Exception {
        try (LineClient client = LineClient.open(socket)) {
            // Runs for about 2 s, so the server checks several times whether the half-closed client still reads.
            client.send(9, "mcp.executeIsolate", Json.object().put("code", """
                    await tools.everything.trigger_long_running_operation({duration: 2, steps: 2});
                    console.log('done');""").toString(), RunningConduit.API_KEY);
            client.channel().shutdownOutput();
            JsonNode answer = client.read();
            assertThat(answer.toString(), answer.get("id").asInt(), is(9));
            assertThat(answer.toString(), answer.has("error"), is(false));
            assertThat(answer.toString(), answer.toString(), containsString("done"));
        }
    }

    @Test
    void garbageGetsParseErrorsAndAnOversizedLineEndsOnlyThatConnection() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            client.raw("this is not json");
            assertThat(client.read().at("/error/code").asInt(), is(-32700));
            assertThat(client.sendsOversizedLineAndIsCutOff(70_000), is(true));
        }
        try (LineClient other = LineClient.open(socket)) {
            assertThat(other.call(1, "ping", "{}", RunningConduit.API_KEY).has("result"), is(true));
        }
    }

    /**
     * Once a connection has authenticated, a request over max-line-bytes is refused alone (-32600, its own id) and the
     * connection goes on; before, it ended the connection with every request in flight on it.
     */
    @Test
    void anAuthenticatedClientsOversizedRequestIsRefusedAndItsConnectionGoesOn() throws IOException {
        try (LineClient client = LineClient.open(socket)) {
            assertThat(client.call(1, "ping", "{}", RunningConduit.API_KEY).has("result"), is(true));
            client.send(2, "tools/call", "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\""
                                         + "x".repeat(70_000) + "\"}}", null);
            JsonNode refused = client.read();
            assertThat(refused.toString(), refused.get("id").asInt(), is(2));
            assertThat(refused.at("/error/code").asInt(), is(-32600));
            assertThat(refused.at("/error/message").asString(),
                       containsString("over the largest message this connection reads (65536 bytes)"));
            assertThat(client.call(3, "ping", "{}", null).has("result"), is(true));
        }
    }
}
