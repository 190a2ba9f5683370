package dev.conduit.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.conduit.auth.ApiKey;
import dev.conduit.auth.AuthConfig;
import dev.conduit.auth.Authenticator;
import dev.conduit.core.jsonrpc.Json;
import dev.conduit.core.jsonrpc.JsonRpcNotification;
import dev.conduit.core.tool.Tool;
import dev.conduit.core.tool.ToolCatalog;
import dev.conduit.core.tool.ToolDefinition;
import dev.conduit.gateway.McpServer;
import io.helidon.webserver.WebServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real Helidon server on a free loopback port with the real transport and MCP server, two API keys and a few
 * tools that exercise streaming, faults and in-flight requests. Requests go through the JDK HTTP client.
 */
final class TestServer implements AutoCloseable {
    static final String ALPHA_SECRET = "alpha-secret-0123456789";
    static final String BETA_SECRET = "beta-secret-0123456789";

    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch slowRelease = new CountDownLatch(1);
    final StreamableHttpTransport transport;
    final WebServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(HttpTransportConfig config) {
        McpServer mcp = McpServer.builder().catalog(ToolCatalog.of(List.of(
                tool("echo", (call, ctx) -> textResult("Echo: " + call.arguments().path("message").asString())),
                tool("progress", (call, ctx) -> {
                    for (int step = 1; step <= 2; step++) {
                        ObjectNode params = Json.object();
                        params.put("progressToken", "p1");
                        params.put("progress", step);
                        params.put("total", 2);
                        ctx.channel().send(new JsonRpcNotification("notifications/progress", params));
                    }
                    return textResult("done");
                }),
                tool("megabyte", (call, ctx) -> textResult("m".repeat(1024 * 1024))),
                tool("boom", (call, ctx) -> {
                    throw new IllegalStateException("secret detail at /home/conduit/private");
                }),
                tool("slow", (call, ctx) -> {
                    slowEntered.countDown();
                    try {
                        slowRelease.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return textResult("slow done");
                })))).build();
        Authenticator authenticator = Authenticator.create(new AuthConfig(true, List.of(
                ApiKey.of("alpha", ALPHA_SECRET, List.of("*")),
                ApiKey.of("beta", BETA_SECRET, List.of("*")))));
        transport = StreamableHttpTransport.create(config, "127.0.0.1", mcp, authenticator);
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .routing(routing -> routing.register("/mcp", transport))
                .build()
                .start();
    }

    TestServer() {
        this(HttpTransportConfig.defaults());
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/mcp");
    }

    /** A POST with the headers a well-behaved client sends, plus {@code extra} name/value pairs. */
    HttpRequest.Builder post(String body, String... extra) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + ALPHA_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < extra.length; i += 2) {
            builder.setHeader(extra[i], extra[i + 1]);
        }
        return builder;
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a session for {@code secret} with {@code version}; returns its id. */
    String initialize(String secret, String version) throws Exception {
        HttpResponse<String> response = send(post(initializeBody(version), "Authorization", "Bearer " + secret));
        if (response.statusCode() != 200) {
            throw new AssertionError("initialize failed: " + response.statusCode() + " " + response.body());
        }
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    String initialize() throws Exception {
        return initialize(ALPHA_SECRET, "2025-11-25");
    }

    static String initializeBody(String version) {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s",\
                "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""".formatted(version);
    }

    static JsonNode json(String body) {
        return Json.mapper().readTree(body);
    }

    @Override
    public void close() {
        server.stop();
    }

    private static Tool tool(String name, Tool.Invoker invoker) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        return new Tool(ToolDefinition.of(name, "test tool " + name, schema), "test", name, invoker);
    }

    private static ObjectNode textResult(String text) {
        ObjectNode result = Json.object();
        ObjectNode item = result.putArray("content").addObject();
        item.put("type", "text");
        item.put("text", text);
        return result;
    }
}
