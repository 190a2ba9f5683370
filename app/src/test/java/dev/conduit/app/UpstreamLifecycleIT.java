package dev.conduit.app;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** Upstreams start lazily, announce catalog changes to open GET streams, and end with the server. */
class UpstreamLifecycleIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path EVERYTHING = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void catalogChangeReachesOpenGetStreamsAndShutdownEndsTheChildren() throws Exception {
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                upstreams:
                  - id: fidelity
                    command: %s
                    args: [%s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(),
                              RunningConduit.INTEROP.resolve("fidelity-server.mjs").toAbsolutePath()))) {
            // Lazy: nothing is spawned until a client needs the upstream (initialize asks what it offers).
            assertThat(children(conduit).isEmpty(), is(true));

            String session = initialize(conduit);
            HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + RunningConduit.API_KEY)
                    .header("Mcp-Session-Id", session).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode(), is(200));
            try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(),
                                                                                   StandardCharsets.UTF_8))) {
                events.readLine();
                HttpResponse<String> list = HTTP.send(post(conduit, session,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"), HttpResponse.BodyHandlers.ofString());
                assertThat(list.body(), containsString("fidelity__announce"));
                // The upstream adds a tool and says so: the catalog changes and every open GET stream hears it.
                HttpResponse<String> announced = HTTP.send(post(conduit, session, """
                        {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fidelity__announce"}}"""),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(announced.body(), containsString("announced"));
                String line;
                do {
                    line = events.readLine();
                } while (line != null && !line.contains("notifications/tools/list_changed"));
                assertThat(line, containsString("notifications/tools/list_changed"));
            }

            List<ProcessHandle> spawned = children(conduit);
            assertThat(spawned.isEmpty(), is(false));
            int exit = conduit.terminate(Duration.ofSeconds(30));
            assertThat(conduit.log(), exit, is(143));
            for (ProcessHandle child : spawned) {
                child.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(child.isAlive(), is(false));
            }
        }
    }

    @Test
    void aHangingUpstreamHoldsUpListingOnlyOnce() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer hanging = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        hanging.createContext("/mcp", exchange -> {
            try {
                release.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        hanging.start();
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                policy:
                  outbound:
                    allow: [127.0.0.1]
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                  - id: hanging
                    type: http
                    url: http://127.0.0.1:%d/mcp
                    timeout: 2s
                    protocol: legacy   # one handshake to time out, not the server/discover probe and then initialize
                """.formatted(RunningConduit.NODE.toAbsolutePath(), EVERYTHING, hanging.getAddress().getPort()))) {
            String session = initialize(conduit);
            String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
            long first = System.nanoTime();
            HttpResponse<String> firstList = HTTP.send(post(conduit, session, list), HttpResponse.BodyHandlers.ofString());
            long firstMillis = Duration.ofNanos(System.nanoTime() - first).toMillis();
            assertThat(firstList.body(), containsString("everything__echo"));
            assertThat(firstList.body().contains("hanging__"), is(false));
            assertThat(firstMillis < 6000, is(true));
            // The hanging upstream has had its chance; later listings do not wait for it again.
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                HTTP.send(post(conduit, session, list), HttpResponse.BodyHandlers.ofString());
                assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis() < 1500, is(true));
            }
        } finally {
            release.countDown();
            hanging.stop(0);
        }
    }

    @Test
    void missingCommandIsReportedDownAndSlowCallsTimeOut() throws Exception {
        try (RunningConduit conduit = RunningConduit.start(dir, RunningConduit.config(true) + """
                upstreams:
                  - id: missing
                    command: no-such-mcp-server-binary
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                    timeout: 3s
                """.formatted(RunningConduit.NODE.toAbsolutePath(), EVERYTHING))) {
            // 3 s, not less: the timeout bounds the upstream's start too (initialize), and Node starting
            // server-everything on a busy 2-core machine that is warming its engines can take over a second.
            String session = initialize(conduit);
            HttpResponse<String> list = HTTP.send(post(conduit, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(list.body(), containsString("everything__echo"));
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + conduit.opsPort() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body(), containsString("command 'no-such-mcp-server-binary' was not found in PATH"));

            HttpResponse<String> slow = HTTP.send(post(conduit, session, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"everything__trigger-long-running-operation",\
                    "arguments":{"duration":10,"steps":5}}}"""), HttpResponse.BodyHandlers.ofString());
            assertThat(slow.body(), containsString("\"isError\":true"));
            assertThat(slow.body(), containsString("did not answer tools/call within 3000 ms"));
        }
    }

    /** The server's descendants that run the fidelity fixture or server-everything. */
    private static List<ProcessHandle> children(RunningConduit conduit) {
        return conduit.handle().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains("server-everything")
                                                                           || line.contains("fidelity-server"))
                        .orElse(false))
                .toList();
    }

    private static String initialize(RunningConduit conduit) throws Exception {
        return HTTP.send(post(conduit, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}"""), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpRequest post(RunningConduit conduit, String session, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + RunningConduit.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder.build();
    }
}
