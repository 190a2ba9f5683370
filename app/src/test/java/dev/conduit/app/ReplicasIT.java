package dev.conduit.app;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two distributions sharing {@code cluster.secret} and a real Redis ({@code policy.rate-limits.store}), requests
 * sent to one and the other in turn as a round-robin balancer without stickiness would: a 2025 session opened on one
 * is served by both and ended on both by a DELETE on either; a key's rate limit holds once across them.
 */
class ReplicasIT {
    private static final String CLUSTER_SECRET = "it-cluster-secret-0123456789abcdef";
    private static final Path REDIS = Path.of("/usr/bin/redis-server");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static Process redis;
    private static RunningConduit first;
    private static RunningConduit second;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(REDIS) || System.getenv("CI") != null,
                   "redis-server is not installed (Debian package redis-server); .ci/run installs it");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new ProcessBuilder(REDIS.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String yaml = RunningConduit.config(true) + """
                cluster:
                  secret: ${CONDUIT_CLUSTER_SECRET}
                policy:
                  rate-limits:
                    store:
                      url: redis://127.0.0.1:%d
                    keys:
                      limited:
                        requests: {rate: 1/h, burst: 6}
                """.formatted(port);
        Map<String, String> env = Map.of("CONDUIT_CLUSTER_SECRET", CLUSTER_SECRET);
        first = RunningConduit.start(Files.createDirectories(dir.resolve("first")), env, yaml);
        second = RunningConduit.start(Files.createDirectories(dir.resolve("second")), env, yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RunningConduit replica : new RunningConduit[] {first, second}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSessionIsServedByEitherReplicaAndEndedOnBoth() throws Exception {
        HttpResponse<String> opened = post(first, RunningConduit.API_KEY, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{"roots":{}},"clientInfo":{"name":"it","version":"1"}}}""");
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(second, RunningConduit.API_KEY, session,
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode(), is(202));
        JsonNode tools = answer(post(second, RunningConduit.API_KEY, session,
                                     "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"));
        assertThat(tools.toString(), tools.at("/result/tools").isArray(), is(true));
        assertThat(answer(post(first, RunningConduit.API_KEY, session,
                               "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}")).has("result"), is(true));
        // Another key presenting the id is told there is no such session, on either replica.
        assertThat(post(second, RunningConduit.LIMITED_KEY, session,
                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}").statusCode(), is(404));
        HttpResponse<String> ended = HTTP.send(HttpRequest.newBuilder(URI.create(second.mcpUrl()))
                .header("Authorization", "Bearer " + RunningConduit.API_KEY).header("Mcp-Session-Id", session)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode(), is(204));
        assertThat(post(first, RunningConduit.API_KEY, session,
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}").statusCode(), is(404));
    }

    @Test
    void aKeysRateLimitHoldsOnceAcrossReplicas() throws Exception {
        String session = post(first, RunningConduit.LIMITED_KEY, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        // The initialize took one of the burst of 6; five more go through, on one replica and the other.
        for (int i = 0; i < 5; i++) {
            RunningConduit replica = i % 2 == 0 ? second : first;
            JsonNode pong = answer(post(replica, RunningConduit.LIMITED_KEY, session,
                                        "{\"jsonrpc\":\"2.0\",\"id\":" + (10 + i) + ",\"method\":\"ping\"}"));
            assertThat(pong.toString(), pong.has("result"), is(true));
        }
        for (RunningConduit replica : new RunningConduit[] {first, second}) {
            JsonNode refused = answer(post(replica, RunningConduit.LIMITED_KEY, session,
                                           "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"ping\"}"));
            assertThat(refused.toString(), refused.at("/error/code").asInt(), is(-32005));
        }
        String health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.opsPort()
                                                                    + "/observe/health")).build(),
                                  HttpResponse.BodyHandlers.ofString()).body();
        assertThat(health, containsString("\"rate-store\""));
        assertThat(health, containsString("\"state\":\"up\""));
    }

    private static HttpResponse<String> post(RunningConduit replica, String key, String session, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.mcpUrl()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode answer(HttpResponse<String> response) {
        return response.body().isEmpty() ? Json.object() : McpHttpClient.answer(response);
    }
}
