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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two distributions sharing {@code cluster.secret} and a real Redis ({@code policy.rate-limits.store}), requests
 * sent to one and the other in turn as a round-robin balancer without stickiness would: a 2025 session opened on one
 * is served by both and ended on both by a DELETE on either; a key's rate limit holds once across them. Then the
 * same through a real nginx (Debian's) balancing round-robin over both, and one replica killed under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {
    private static final String CLUSTER_SECRET = "it-cluster-secret-0123456789abcdef";
    private static final String BURST_KEY = "it-burst-key-0123456789abcdef";
    private static final Path REDIS = Path.of("/usr/bin/redis-server");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static Process redis;
    private static RunningConduit first;
    private static RunningConduit second;
    private static Process nginx;
    private static String balanced;

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
        String yaml = RunningConduit.configWithEverything().replace("upstreams:", """
                    - id: burst
                      secret: ${CONDUIT_BURST_KEY}
                upstreams:""") + """
                cluster:
                  secret: ${CONDUIT_CLUSTER_SECRET}
                policy:
                  rate-limits:
                    store:
                      url: redis://127.0.0.1:%d
                    keys:
                      limited:
                        requests: {rate: 1/h, burst: 6}
                      burst:
                        requests: {rate: 1/h, burst: 4}
                """.formatted(port);
        Map<String, String> env = Map.of("CONDUIT_CLUSTER_SECRET", CLUSTER_SECRET, "CONDUIT_BURST_KEY", BURST_KEY);
        first = RunningConduit.start(Files.createDirectories(dir.resolve("first")), env, yaml);
        second = RunningConduit.start(Files.createDirectories(dir.resolve("second")), env, yaml);
        startNginx();
    }

    /** nginx round-robin over both replicas on a free loopback port; the MCP endpoint through it is {@link #balanced}. */
    private static void startNginx() throws Exception {
        assumeTrue(Files.isExecutable(NGINX) || System.getenv("CI") != null,
                   "nginx is not installed (Debian package nginx); .ci/run installs it");
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream conduit {
                        server 127.0.0.1:%2$d max_fails=1 fail_timeout=30s;
                        server 127.0.0.1:%3$d max_fails=1 fail_timeout=30s;
                    }
                    server {
                        listen 127.0.0.1:%4$d;
                        location / {
                            proxy_pass http://conduit;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host:$server_port;
                            proxy_buffering off;
                            proxy_read_timeout 120s;
                        }
                    }
                }
                """.formatted(prefix, first.mcpPort(), second.mcpPort(), port));
        nginx = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                                   "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
        balanced = "http://127.0.0.1:" + port + "/mcp";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                assertThat(probe.isConnected(), is(true));
                return;
            } catch (java.io.IOException e) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not start: " + Files.readString(prefix.resolve("out.log"))
                                                    + Files.readString(prefix.resolve("error.log")), e);
                }
                Thread.onSpinWait();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
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
    @Order(1)
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
    @Order(2)
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

    /** A 2025 client's whole session through nginx, round-robin: both replicas serve it, DELETE ends it everywhere. */
    @Test
    @Order(3)
    void aWholeSessionThroughARoundRobinBalancer() throws Exception {
        long firstBefore = requestsServed(first);
        long secondBefore = requestsServed(second);
        String session = post(balanced, RunningConduit.API_KEY, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(balanced, RunningConduit.API_KEY, session,
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode(), is(202));
        for (int i = 0; i < 6; i++) {
            String method = i % 2 == 0 ? "tools/list" : "ping";
            JsonNode answer = answer(post(balanced, RunningConduit.API_KEY, session,
                                          "{\"jsonrpc\":\"2.0\",\"id\":" + (2 + i) + ",\"method\":\"" + method + "\"}"));
            assertThat(answer.toString(), answer.has("result"), is(true));
        }
        for (int i = 0; i < 4; i++) {
            JsonNode echoed = answer(post(balanced, RunningConduit.API_KEY, session, """
                    {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"everything__echo",\
                    "arguments":{"message":"call %d"}}}""".formatted(20 + i, i)));
            assertThat(echoed.toString(), echoed.at("/result/content/0/text").asString(), containsString("call " + i));
        }
        assertThat("both replicas served the session", requestsServed(first) > firstBefore
                                                       && requestsServed(second) > secondBefore, is(true));
        HttpResponse<String> ended = HTTP.send(HttpRequest.newBuilder(URI.create(balanced))
                .header("Authorization", "Bearer " + RunningConduit.API_KEY).header("Mcp-Session-Id", session)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode(), is(204));
        for (int i = 0; i < 2; i++) { // one request to each replica, round-robin
            assertThat(post(balanced, RunningConduit.API_KEY, session,
                            "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}").statusCode(), is(404));
        }
    }

    /** Stateless 2026-07-28 requests through the balancer reach both replicas, and one key's limit holds once. */
    @Test
    @Order(4)
    void statelessRequestsSpreadAndAKeysLimitHoldsOnceThroughTheBalancer() throws Exception {
        long firstBefore = requestsServed(first);
        long secondBefore = requestsServed(second);
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":"
                          + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                          + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        for (int i = 0; i < 4; i++) { // the key's burst of 4, over both replicas
            HttpResponse<String> answered = modern(balanced, BURST_KEY, "server/discover", null, discover);
            assertThat(answered.body(), answered.statusCode(), is(200));
        }
        assertThat("both replicas served them", requestsServed(first) > firstBefore
                                                && requestsServed(second) > secondBefore, is(true));
        for (int i = 0; i < 2; i++) { // refused by whichever replica gets it
            JsonNode refused = answer(modern(balanced, BURST_KEY, "server/discover", null, discover));
            assertThat(refused.toString(), refused.at("/error/code").asInt(), is(-32005));
        }
    }

    /**
     * A 2026-07-28 request that needs the client's input, answered on the other replica: the state one replica issued
     * verifies on the other (cluster.secret), which runs the request again and gives the upstream's question the
     * client's answer.
     */
    @Test
    @Order(5)
    void aRequestThatNeedsInputIsFinishedByTheOtherReplica() throws Exception {
        String call = """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__trigger-elicitation-request",\
                "arguments":{},%s"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",\
                "io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}}}}""";
        JsonNode asked = answer(modern(first.mcpUrl(), RunningConduit.API_KEY, "tools/call",
                                       "everything__trigger-elicitation-request", call.formatted("")));
        assertThat(asked.toString(), asked.at("/result/resultType").asString(), is("input_required"));
        String key = asked.at("/result/inputRequests").propertyNames().iterator().next();
        assertThat(asked.toString(), asked.at("/result/inputRequests/" + key + "/method").asString(),
                   is("elicitation/create"));
        String state = asked.at("/result/requestState").asString();
        String retry = call.formatted("\"requestState\":" + Json.mapper().writeValueAsString(state)
                + ",\"inputResponses\":{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}},");
        JsonNode done = answer(modern(second.mcpUrl(), RunningConduit.API_KEY, "tools/call",
                                      "everything__trigger-elicitation-request", retry));
        assertThat(done.toString(), done.at("/result/content").toString(), containsString("Ada"));
    }

    /**
     * One replica killed under load: requests it had fail cleanly (an HTTP error from the balancer, never a hang or a
     * wrong answer), the other replica keeps serving, and a failed request sent again succeeds.
     */
    @Test
    @Order(6)
    void theOtherReplicaKeepsServingWhenOneIsKilled() throws Exception {
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":"
                          + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                          + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        java.util.concurrent.atomic.AtomicInteger failedCleanly = new java.util.concurrent.atomic.AtomicInteger();
        try (java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.List<java.util.concurrent.Future<Integer>> load = new java.util.ArrayList<>();
            for (int c = 0; c < 4; c++) {
                load.add(clients.submit(() -> {
                    int succeeded = 0;
                    for (int i = 0; i < 50; i++) {
                        HttpResponse<String> response = modern(discover);
                        if (response.statusCode() == 200) {
                            assertThat(response.body(), containsString("\"result\""));
                            succeeded++;
                            continue;
                        }
                        assertThat(response.statusCode() + " " + response.body(), response.statusCode() >= 500, is(true));
                        failedCleanly.incrementAndGet();
                        // Sent again: the balancer has taken the dead replica out by now.
                        HttpResponse<String> retried = modern(discover);
                        assertThat(retried.body(), retried.statusCode(), is(200));
                        succeeded++;
                    }
                    return succeeded;
                }));
            }
            second.handle().destroyForcibly();
            for (java.util.concurrent.Future<Integer> client : load) {
                assertThat(client.get(120, TimeUnit.SECONDS), is(50));
            }
        }
        System.out.println("requests that failed when a replica was killed, each then retried: " + failedCleanly.get());
        assertThat(modern(discover).statusCode(), is(200));
    }

    private static HttpResponse<String> modern(String body) throws Exception {
        return modern(balanced, RunningConduit.API_KEY, "server/discover", null, body);
    }

    private static HttpResponse<String> modern(String url, String key, String method, String name, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
        if (name != null) {
            request.header("Mcp-Name", name);
        }
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    /** Requests the replica answered so far, from its metrics. */
    private static long requestsServed(RunningConduit replica) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.opsPort()
                                                                     + "/observe/metrics")).build(),
                                   HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("conduit_requests_total{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> post(RunningConduit replica, String key, String session, String body)
            throws Exception {
        return post(replica.mcpUrl(), key, session, body);
    }

    private static HttpResponse<String> post(String url, String key, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
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
