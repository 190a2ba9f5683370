package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Upstreams of the 2026-07-28 era only (interop/modern-server.mjs, the official SDK v2 server refusing 2025 requests):
 * the gateway finds their era with {@code server/discover} (stdio with {@code protocol: auto}, Streamable HTTP with
 * {@code protocol: modern}) beside server-everything, which it falls back to {@code initialize} for; sends each
 * request's envelope; relays the upstream's multi round-trip questions to clients of both eras (as requests of its own
 * to the SDK v1 client, as input_required to the SDK v2 client), also while a program waits; refuses them clearly to a
 * client that cannot answer; and learns of a new tool through {@code subscriptions/listen}.
 */
class UpstreamEraIT {
    private static final Path MODERN = RunningConduit.INTEROP.resolve("modern-server.mjs").toAbsolutePath();
    private static final String KEY = "era-0123456789abcdef";
    /** Keys granted one of the two copies of the fixture each, so that a resource both list is routed to that one. */
    private static final Map<String, String> ONE_UPSTREAM = Map.of("modern", "era-stdio-0123456789abcdef",
                                                                   "remote", "era-http-0123456789abcdef");
    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static Process remote;

    @BeforeAll
    static void start() throws Exception {
        int port = UpstreamsIT.freePort();
        remote = UpstreamsIT.startNodeServer(port, MODERN, "--http", Integer.toString(port));
        conduit = RunningConduit.start(dir, Map.of("ERA_KEY", KEY, "STDIO_KEY", ONE_UPSTREAM.get("modern"),
                                                   "HTTP_KEY", ONE_UPSTREAM.get("remote")),
                                       RunningConduit.serverConfig() + """
                auth:
                  enabled: true
                  api-keys:
                    - id: era
                      secret: ${ERA_KEY}
                      tools: ["*"]
                    - id: stdio-only
                      secret: ${STDIO_KEY}
                      tools: ["modern.*"]
                    - id: http-only
                      secret: ${HTTP_KEY}
                      tools: ["remote.*"]
                transports:
                  http:
                    # A modern client ends its listen stream by closing it, which the gateway notices on its next
                    # comment line: soon, so that the subscription's release is seen within the test's wait.
                    keep-alive-interval: 1s
                policy:
                  outbound:
                    allow: [127.0.0.1]
                upstreams:
                  - id: modern
                    command: %1$s
                    args: [%2$s]
                  - id: remote
                    type: http
                    url: http://127.0.0.1:%3$d/mcp
                    protocol: modern
                  - id: everything
                    command: %1$s
                    args: [%4$s, stdio]
                    eager: true
                """.formatted(RunningConduit.NODE.toAbsolutePath(), MODERN, port, RunningConduit.EVERYTHING));
    }

    @AfterAll
    static void stop() {
        if (conduit != null) {
            conduit.close();
        }
        if (remote != null) {
            remote.destroy();
        }
    }

    @Test
    void modernUpstreamsServeClientsOfBothEras() throws Exception {
        RunningConduit.Result run = RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(90)),
                RunningConduit.NODE.toString(), "era-client.mjs", conduit.mcpUrl(), KEY);
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        for (String era : new String[] {"legacy", "modern"}) {
            JsonNode client = seen.get(era);
            String name = era.equals("legacy") ? "Ada" : "Grace";
            // The upstream saw the gateway's envelope, with what this client can answer.
            assertThat(client.toString(), client.at("/envelope/io.modelcontextprotocol~1protocolVersion").asString(),
                       is("2026-07-28"));
            assertThat(client.toString(), client.at("/envelope/io.modelcontextprotocol~1clientInfo/name").asString(),
                       is("conduit-gateway"));
            assertThat(client.toString(), client.at("/envelope/io.modelcontextprotocol~1clientCapabilities")
                    .has("elicitation"), is(true));
            assertThat(client.toString(), client.get("echo").asString(), is("echo: hi"));
            // The gateway mirrored the x-mcp-header parameter into the header the upstream checks.
            assertThat(client.toString(), client.get("route").asString(), is("routed to eu-west (header: eu-west)"));
            // Questions in rounds, over stdio and HTTP, answered by this client.
            assertThat(client.toString(), client.get("confirm").asString(), is("deploy confirmed by " + name));
            assertThat(client.toString(), client.get("remoteConfirm").asString(), is("release confirmed by " + name));
            assertThat(client.toString(), client.get("sample").asString(), is("the model said: hello from " + name));
            assertThat(client.toString(), client.at("/sampled/0").asString(), is("say hello"));
            assertThat(client.toString(), client.at("/elicited/0").asString(), is("Who confirms deploy?"));
            // A program's tool call waited while the client answered.
            assertThat(client.toString(), client.get("program").asString(),
                       containsString("from a program confirmed by " + name));
        }
        assertThat(seen.toString(), seen.at("/modern/era").asString(), is("modern"));
        assertThat(seen.toString(), seen.at("/legacy/late").asBoolean(), is(true));
        // The client that declared nothing is told why, and the upstream's question went nowhere.
        assertThat(seen.toString(), seen.at("/bare/text").asString(),
                   anyOf(containsString("elicitation"), containsString("capability")));
        // So is a 2026 client that declared nothing (its request ran without a round of its own), which is then served.
        assertThat(seen.toString(), seen.at("/modernBare/code").asInt(), is(-32021));
        assertThat(seen.toString(), seen.at("/modernBare/text").asString(), containsString("elicitation"));
        assertThat(seen.toString(), seen.at("/modernBare/echo").asString(), containsString("still served"));
        assertThat(conduit.log(), containsString("upstream 'modern' discovered: conduit-modern-fixture 1.0.0, "
                                                 + "protocol 2026-07-28"));
        assertThat(conduit.log(), containsString("upstream 'remote' discovered"));
        assertThat(conduit.log(), containsString("upstream 'everything' initialized"));
    }

    /**
     * A resource of a modern upstream, which has no {@code resources/subscribe}, can be subscribed to by clients of
     * both eras: the gateway carries it on a {@code subscriptions/listen} stream of its own to the upstream (stdio and
     * HTTP), the upstream's update reaches the client, and the subscription is released when the client goes.
     */
    @ParameterizedTest
    @CsvSource({"modern, legacy", "modern, modern", "remote, legacy", "remote, modern"})
    void aModernUpstreamsResourceCanBeSubscribedTo(String upstream, String era) throws Exception {
        RunningConduit.Result run = RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(60)),
                RunningConduit.NODE.toString(), "subscribe-client.mjs", conduit.mcpUrl(), ONE_UPSTREAM.get(upstream),
                upstream + "__touch_status", era);
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        assertThat(seen.toString(), seen.at("/updates/0/uri").asString(), is("modern://status"));
        assertThat(seen.toString(), seen.get("touched").asString(), startsWith("touched "));
        if (era.equals("modern")) {
            assertThat(seen.toString(), seen.at("/honored/resourceSubscriptions/0").asString(), is("modern://status"));
        } else {
            // The upstream's own subscription id stays between it and the gateway.
            assertThat(seen.toString(), seen.at("/updates/0/_meta").isMissingNode(), is(true));
            assertThat(seen.toString(), seen.get("read").asString(), startsWith("touched "));
        }
        assertThat(RunningConduit.pollUntil(Duration.ofSeconds(10),
                                            () -> conduit.metric("conduit_subscriptions_held") == 0), is(true));
    }

    /**
     * A modern call of a tool with an {@code x-mcp-header} parameter must carry the {@code Mcp-Param-*} header with
     * the argument's value: a different or missing one is refused with -32020 and HTTP 400 before anything runs.
     */
    @Test
    void aParamHeaderThatDisagreesWithTheArgumentsIsRefused() throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":"r1","method":"tools/call","params":{"name":"remote__route",\
                "arguments":{"region":"eu-west"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",\
                "io.modelcontextprotocol/clientCapabilities":{}}}}""";
        // The tool's schema comes from the upstream's listing, as it would for any client that saw the tool.
        assertThat(new McpHttpClient(conduit, KEY).post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/list"}""").toString(), containsString("x-mcp-header"));
        for (Optional<String> region : List.of(Optional.of("us-east"), Optional.<String>empty())) {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(conduit.mcpUrl()))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                    .header("Mcp-Name", "remote__route").POST(HttpRequest.BodyPublishers.ofString(body));
            region.ifPresent(value -> post.header("Mcp-Param-Region", value));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(post.build(),
                                                                          HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body(), answer.statusCode(), is(400));
            JsonNode error = Json.mapper().readTree(answer.body());
            assertThat(answer.body(), error.at("/error/code").asInt(), is(-32020));
            assertThat(answer.body(), error.get("id").asString(), is("r1"));
            assertThat(answer.body(), error.at("/error/message").asString(), containsString("Mcp-Param-Region"));
        }
    }
}
