package dev.conduit.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The gateway with real upstream MCP servers from npm over stdio (server-everything and server-filesystem), driven by
 * the official MCP TypeScript SDK client through the booted distribution.
 */
class UpstreamsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path EVERYTHING = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
    private static final Path FILESYSTEM = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js").toAbsolutePath();

    @TempDir
    static Path dir;
    private static Path root;
    private static Process remote;
    private static Process legacy;
    private static AuthProxy clientCredentials;
    private static AuthProxy rotating;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(dir.resolve("files-root")).toRealPath();
        Files.writeString(root.resolve("hello.txt"), "hello from the files upstream\n");
        int port = freePort();
        remote = startHttpEverything(port, "streamableHttp");
        int legacyPort = freePort();
        legacy = startHttpEverything(legacyPort, "sse");
        URI everythingUrl = URI.create("http://127.0.0.1:" + port + "/mcp");
        clientCredentials = new AuthProxy(everythingUrl, 3600);
        rotating = new AuthProxy(everythingUrl, 0);
        conduit = RunningConduit.start(dir, Map.of("CLIENT_SECRET", AuthProxy.CLIENT_SECRET,
                                                   "WRONG_SECRET", "wrong-secret-987654321",
                                                   "REFRESH_TOKEN", AuthProxy.FIRST_REFRESH_TOKEN),
                                       RunningConduit.config(true) + """
                policy:
                  outbound:
                    allow: [127.0.0.1]
                upstreams:
                  - id: everything
                    command: %1$s
                    args: [%2$s, stdio]
                    timeout: 20s
                  - id: files
                    command: %1$s
                    args: [%3$s, %4$s]
                  - id: remote
                    type: http
                    url: http://127.0.0.1:%5$d/mcp
                  - id: blocked
                    type: http
                    url: http://127.0.0.2:%5$d/mcp
                  - id: redirecting
                    type: http
                    url: %11$s
                  - id: legacy
                    type: sse
                    url: http://127.0.0.1:%10$d/sse
                  - id: secured
                    type: http
                    url: %6$s
                    auth:
                      type: oauth2
                      token-url: %7$s
                      client-id: conduit
                      client-secret: ${CLIENT_SECRET}
                  - id: rotating
                    type: http
                    url: %8$s
                    auth:
                      type: oauth2
                      grant: refresh-token
                      token-url: %9$s
                      client-id: conduit
                      refresh-token: ${REFRESH_TOKEN}
                  - id: wrongsecret
                    type: http
                    url: %6$s
                    auth:
                      type: oauth2
                      token-url: %7$s
                      client-id: conduit
                      client-secret: ${WRONG_SECRET}
                """.formatted(RunningConduit.NODE.toAbsolutePath(), EVERYTHING, FILESYSTEM, root, port,
                               clientCredentials.url("/mcp"), clientCredentials.url("/token"),
                               rotating.url("/mcp"), rotating.url("/token"), legacyPort,
                               clientCredentials.url("/redirect")));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable resource : new AutoCloseable[] {conduit, clientCredentials, rotating}) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (Process process : new Process[] {remote, legacy}) {
            if (process != null) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** server-everything over HTTP ({@code streamableHttp} or legacy {@code sse}), ready once it says it listens. */
    static Process startHttpEverything(int port, String mode) throws Exception {
        return startNodeServer(port, EVERYTHING, mode);
    }

    /**
     * A Node HTTP server script started with {@code args} on {@code port} (passed as {@code PORT} too), ready once it
     * prints that it listens "on port N".
     */
    static Process startNodeServer(int port, Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RunningConduit.NODE.toAbsolutePath().toString(),
                                                       script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        String mode = String.join(" ", args);
        Process process = builder.start();
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                                StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    // streamableHttp says "... listening on port N", sse says "Server is running on port N".
                    if (line.contains("on port " + port)) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.complete(false);
        });
        if (!listening.get(30, TimeUnit.SECONDS)) {
            throw new AssertionError(script.getFileName() + " did not start (" + mode + ")");
        }
        return process;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void streamableHttpUpstreamServesToolsAndProgress() throws Exception {
        String session = initialize();
        assertThat(echo(session, "remote__echo", "over http"), is("Echo: over http"));
        HttpResponse<String> progress = HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"remote__trigger-long-running-operation",\
                "arguments":{"duration":1,"steps":2},"_meta":{"progressToken":"tok-7"}}}"""),
                HttpResponse.BodyHandlers.ofString());
        long relayed = progress.body().lines().filter(line -> line.contains("notifications/progress")
                                                               && line.contains("\"progressToken\":\"tok-7\"")).count();
        assertThat(progress.body(), relayed, is(2L));
        assertThat(progress.body(), containsString("Long running operation completed"));
    }

    @Test
    void oauth2TokenIsCachedAndFetchedAgainAfterA401() throws Exception {
        String session = initialize();
        assertThat(echo(session, "secured__echo", "first"), is("Echo: first"));
        int afterFirst = clientCredentials.issued.get();
        assertThat(echo(session, "secured__echo", "cached"), is("Echo: cached"));
        assertThat(clientCredentials.issued.get(), is(afterFirst));

        clientCredentials.revokeAll();
        assertThat(echo(session, "secured__echo", "after revocation"), is("Echo: after revocation"));
        assertThat(clientCredentials.unauthorized.get(), is(1));
        assertThat(clientCredentials.issued.get(), is(afterFirst + 1));
    }

    @Test
    void lostUpstreamSessionIsInitializedAgainOnce() throws Exception {
        String session = initialize();
        assertThat(echo(session, "secured__echo", "before"), is("Echo: before"));
        clientCredentials.loseSessionOnce();
        assertThat(echo(session, "secured__echo", "after a lost session"), is("Echo: after a lost session"));
        assertThat(clientCredentials.sessionsLost.get(), is(1));
    }

    @Test
    void expiredTokensAreRefreshedWithTheRotatedRefreshToken() throws Exception {
        String session = initialize();
        for (int i = 0; i < 3; i++) {
            assertThat(echo(session, "rotating__echo", "call " + i), is("Echo: call " + i));
        }
        // Every token expires at once (expires_in 0), so each request fetched a new one, each time presenting the
        // refresh token the previous answer rotated in; a stale one would have been refused.
        assertThat(rotating.issued.get() >= 3, is(true));
        assertThat(rotating.refused.get(), is(0));
        assertThat(rotating.unauthorized.get(), is(0));
    }

    @Test
    void refusedClientCredentialsGiveAClearErrorWithoutTheSecret() throws Exception {
        JsonNode call = callTool(initialize(), "wrongsecret__echo", "{\"message\":\"x\"}");
        assertThat(call.toString(), call.at("/result/isError").asBoolean(), is(true));
        assertThat(call.at("/result/content/0/text").asString(),
                   containsString("token endpoint refused the request (HTTP 401, invalid_client)"));
        assertThat(call.toString().contains("wrong-secret-987654321"), is(false));
        assertThat(conduit.log().contains("wrong-secret-987654321"), is(false));
        assertThat(conduit.log().contains(AuthProxy.CLIENT_SECRET), is(false));
    }

    private static String echo(String session, String tool, String message) throws Exception {
        JsonNode response = callTool(session, tool, "{\"message\":\"" + message + "\"}");
        return response.at("/result/content/0/text").asString(response.toString());
    }

    /** The whole JSON-RPC response to a tools/call of {@code tool} with {@code arguments} (JSON). */
    private static JsonNode callTool(String session, String tool, String arguments) throws Exception {
        HttpResponse<String> response = HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"%s","arguments":%s}}"""
                .formatted(tool, arguments)), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    @Test
    void clientCancellationEndsTheUpstreamCallAtOnce() throws Exception {
        String session = initialize();
        HttpResponse<java.io.InputStream> response = HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":"long-1","method":"tools/call","params":{"name":"remote__trigger-long-running-operation",\
                "arguments":{"duration":30,"steps":30},"_meta":{"progressToken":"c"}}}"""),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                                                                               StandardCharsets.UTF_8))) {
            String line;
            while ((line = events.readLine()) != null && !line.contains("notifications/progress")) {
                // wait until the call runs upstream
            }
            long cancelled = System.nanoTime();
            HttpResponse<String> accepted = HTTP.send(post(session, """
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long-1"}}"""),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode(), is(202));
            String result = null;
            while ((line = events.readLine()) != null) {
                if (line.contains("\"id\":\"long-1\"")) {
                    result = line;
                    break;
                }
            }
            assertThat(String.valueOf(result), containsString("cancelled"));
            assertThat(Duration.ofNanos(System.nanoTime() - cancelled).toMillis(), lessThan(2000L));
        }
    }

    @Test
    void aKeySeesAndCallsOnlyWhatItsPatternsAllow() throws Exception {
        String session = initialize(RunningConduit.LIMITED_KEY);
        HttpResponse<String> list = HTTP.send(post(session, RunningConduit.LIMITED_KEY,
                "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/list\"}"), HttpResponse.BodyHandlers.ofString());
        List<String> names = StreamSupport.stream(Json.mapper().readTree(list.body()).at("/result/tools").spliterator(),
                                                  false).map(tool -> tool.get("name").asString()).toList();
        assertThat(names, hasItems("everything__echo", "files__read_text_file", "conduit__search_tools"));
        assertThat(names.contains("everything__get-sum"), is(false));
        assertThat(names.stream().anyMatch(name -> name.startsWith("remote__")), is(false));

        HttpResponse<String> denied = HTTP.send(post(session, RunningConduit.LIMITED_KEY, """
                {"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"everything__get-sum",\
                "arguments":{"a":1,"b":2}}}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.body(), Json.mapper().readTree(denied.body()).at("/error/code").asInt(), is(-32602));
        HttpResponse<String> allowed = HTTP.send(post(session, RunningConduit.LIMITED_KEY, """
                {"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"everything__echo",\
                "arguments":{"message":"limited"}}}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.body(), containsString("Echo: limited"));
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        JsonNode call = callTool(initialize(), "redirecting__echo", "{\"message\":\"x\"}");
        assertThat(call.toString(), call.at("/result/isError").asBoolean(), is(true));
        assertThat(call.at("/result/content/0/text").asString(), containsString("redirect"));
    }

    @Test
    void legacySseUpstreamServesTools() throws Exception {
        String session = initialize();
        assertThat(echo(session, "legacy__echo", "over sse"), is("Echo: over sse"));
        assertThat(callTool(session, "legacy__get-sum", "{\"a\":20,\"b\":22}").at("/result/content/0/text")
                           .asString(), containsString("42"));
    }

    @Test
    void upstreamOnANonPublicAddressOutsideTheAllowListIsRefused() throws Exception {
        String session = initialize();
        HttpResponse<String> list = HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":8,"method":"tools/list"}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(list.body(), containsString("remote__echo"));
        assertThat(list.body().contains("blocked__"), is(false));
        JsonNode call = callTool(session, "blocked__echo", "{\"message\":\"x\"}");
        assertThat(call.toString(), call.at("/result/isError").asBoolean(), is(true));
        assertThat(call.at("/result/content/0/text").asString(), containsString("outbound policy"));
        assertThat(call.at("/result/content/0/text").asString(), containsString("127.0.0.2"));
    }

    @Test
    void sdkClientUsesTheAggregatedTools() throws Exception {
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), RunningConduit.NODE.toString(),
                "gateway-client.mjs", conduit.mcpUrl(), RunningConduit.API_KEY, root.resolve("hello.txt").toString());
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        List<String> tools = StreamSupport.stream(seen.get("tools").spliterator(), false).map(JsonNode::asString)
                .toList();
        assertThat(tools, hasItems("everything__echo", "everything__get-sum", "everything__get-tiny-image",
                                   "files__read_text_file", "files__list_directory"));

        assertThat(seen.at("/echo/content/0/text").asString(), is("Echo: hello gateway"));
        assertThat(seen.at("/sum/content/0/text").asString(), containsString("42"));

        assertThat(seen.at("/badSum/isError").asBoolean(), is(true));
        assertThat(seen.at("/badSum/content/0/text").asString(),
                   containsString("Invalid arguments for tool everything__get-sum"));

        assertThat(seen.at("/structured/structuredContent").isObject(), is(true));
        assertThat(seen.at("/structured/structuredContent/temperature").isNumber(), is(true));

        JsonNode image = StreamSupport.stream(seen.at("/image/content").spliterator(), false)
                .filter(item -> item.path("type").asString().equals("image")).findFirst().orElseThrow();
        assertThat(image.get("mimeType").asString(), is("image/png"));
        assertThat(image.get("data").asString().isEmpty(), is(false));

        assertThat(seen.at("/longRunning/content/0/text").asString(), containsString("completed"));
        assertThat(seen.get("progress").size(), is(2));
        assertThat(seen.at("/progress/1/progress").asInt(), is(2));

        assertThat(seen.at("/readInside/content/0/text").asString(), is("hello from the files upstream\n"));
        assertThat(seen.at("/readOutside/isError").asBoolean(), is(true));
        assertThat(seen.at("/readOutside/content/0/text").asString(), containsString("Access denied"));

        List<Boolean> concurrent = StreamSupport.stream(seen.get("concurrent").spliterator(), false)
                .map(JsonNode::asBoolean).toList();
        assertThat(concurrent.size(), is(100));
        assertThat(concurrent, everyItem(is(true)));
    }

    @Test
    void crashedUpstreamFailsTheCallAtOnceAndIsRestartedOnNextUse() throws Exception {
        String session = initialize();
        // The client asks for log messages: the gateway's own about its requests come on the requests' streams.
        HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"info"}}"""),
                HttpResponse.BodyHandlers.ofString());
        HttpRequest longCall = post(session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"everything__trigger-long-running-operation",\
                "arguments":{"duration":30,"steps":30},"_meta":{"progressToken":"p"}}}""");
        HttpResponse<java.io.InputStream> response = HTTP.send(longCall, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                                                                               StandardCharsets.UTF_8))) {
            // The first progress event proves the call is running inside the upstream; then kill the upstream.
            String line;
            while ((line = events.readLine()) != null && !line.contains("notifications/progress")) {
                // skip the stream's preamble
            }
            ProcessHandle everything = conduit.handle().descendants()
                    .filter(process -> process.info().commandLine().orElse("").contains("server-everything"))
                    .findFirst().orElseThrow();
            long killed = System.nanoTime();
            everything.destroyForcibly();
            String result = null;
            while ((line = events.readLine()) != null) {
                if (line.contains("\"id\":2")) {
                    result = line;
                    break;
                }
            }
            long millis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            assertThat(String.valueOf(result), result != null && result.contains("\"isError\":true"), is(true));
            assertThat(result, containsString("upstream 'everything'"));
            assertThat(millis, lessThan(1000L));
        }
        HttpResponse<String> after = HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"everything__echo",\
                "arguments":{"message":"after restart"}}}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(after.body(), containsString("Echo: after restart"));
        // Told before the result, as a log message of the gateway's own.
        assertThat(after.body(), containsString("\"logger\":\"conduit\""));
        assertThat(after.body(), containsString("upstream 'everything' was restarted for this request"));
    }

    /**
     * A file too large for the upstream's max-message-bytes fails the one call that read it; the upstream process
     * goes on serving (it used to be dropped and started again, failing every other call in flight on it).
     * server-filesystem answers with the text twice (content and structuredContent): 9 MB of text is 18 MB.
     */
    @Test
    void aFileTooLargeForMaxMessageBytesFailsItsCallAloneAndTheUpstreamGoesOn() throws Exception {
        Path large = root.resolve("large.txt");
        Files.writeString(large, "a line of a large log file\n".repeat(9 * 1024 * 1024 / 27));
        String session = initialize();
        assertThat(readFile(session, root.resolve("hello.txt")), containsString("hello from the files upstream"));
        long before = filesystemPid(); // started by that call, if not before
        String tooLarge = readFile(session, large);
        assertThat(tooLarge, containsString("\"isError\":true"));
        assertThat(tooLarge, containsString("over its max-message-bytes (16777216); the answer was dropped"));
        assertThat(readFile(session, root.resolve("hello.txt")), containsString("hello from the files upstream"));
        assertThat("the same process", filesystemPid(), is(before));
    }

    private static String readFile(String session, Path file) throws Exception {
        return HTTP.send(post(session, """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"files__read_text_file",\
                "arguments":{"path":"%s"}}}""".formatted(file)), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long filesystemPid() {
        return conduit.handle().descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("server-filesystem"))
                .findFirst().orElseThrow().pid();
    }

    @Test
    void healthReportsUpstreamStateWithoutStartingThem() throws Exception {
        // Readiness also needs a warm engine.
        assertThat(conduit.log(), conduit.awaitLog("graaljs ready", Duration.ofSeconds(120)), is(true));
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + conduit.opsPort() + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode(), is(200));
        assertThat(health.body(), containsString("\"upstreams\""));
        assertThat(health.body(), containsString("\"blocked\":\"down: upstream 'blocked' is not reachable under the "
                                                 + "outbound policy"));
    }

    private static String initialize() throws Exception {
        return initialize(RunningConduit.API_KEY);
    }

    private static String initialize(String key) throws Exception {
        HttpResponse<String> response = HTTP.send(post(null, key, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}"""), HttpResponse.BodyHandlers.ofString());
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpRequest post(String session, String body) {
        return post(session, RunningConduit.API_KEY, body);
    }

    private static HttpRequest post(String session, String key, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder.build();
    }
}
