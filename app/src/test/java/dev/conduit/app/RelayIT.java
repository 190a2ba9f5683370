package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * What an upstream asks of or tells a client goes through the gateway, seen by the official SDK client: sampling and
 * elicitation reach the client whose request caused them (from a direct call and from a program) and its answers reach
 * the upstream; a client that did not declare the capability gets the upstream a clear refusal; log messages arrive
 * after {@code logging/setLevel}; updates of a subscribed resource arrive; a tool the upstream runs only as a task is
 * called the ordinary way, its task's question answered. server-everything over stdio (where the
 * gateway routes by the one session in flight) and over Streamable HTTP (where the request's own response stream says
 * whose it is).
 */
class RelayIT {
    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static Process remote;
    private static final String STDIO_KEY = "relay-stdio-0123456789abcdef";
    private static final String HTTP_KEY = "relay-http-0123456789abcdef";

    @BeforeAll
    static void start() throws Exception {
        int port = UpstreamsIT.freePort();
        remote = UpstreamsIT.startHttpEverything(port, "streamableHttp");
        // One key per upstream: both are server-everything, so their resources share URIs, and a key that reaches
        // both would read (and subscribe to) them at the first in configuration order.
        conduit = RunningConduit.start(dir, Map.of("STDIO_KEY", STDIO_KEY, "HTTP_KEY", HTTP_KEY),
                                       RunningConduit.serverConfig() + """
                auth:
                  enabled: true
                  api-keys:
                    - id: stdio
                      secret: ${STDIO_KEY}
                      tools: ["everything.*", "conduit.*"]
                    - id: http
                      secret: ${HTTP_KEY}
                      tools: ["remote.*", "conduit.*"]
                policy:
                  outbound:
                    allow: [127.0.0.1]
                upstreams:
                  - id: everything
                    command: %s
                    args: [%s, stdio]
                  - id: remote
                    type: http
                    url: http://127.0.0.1:%d/mcp
                """.formatted(RunningConduit.NODE.toAbsolutePath(), RunningConduit.EVERYTHING, port));
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

    @ParameterizedTest
    @ValueSource(strings = {"everything", "remote"})
    void samplingElicitationLogsAndUpdatesReachTheClient(String upstream) throws Exception {
        RunningConduit.Result run = RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(90)),
                RunningConduit.NODE.toString(), "relay-client.mjs", conduit.mcpUrl(),
                upstream.equals("everything") ? STDIO_KEY : HTTP_KEY, upstream);
        assertThat(run.output(), run.exitCode(), is(0));
        JsonNode seen = Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                                       .reduce((a, b) -> b).orElseThrow());
        assertThat(seen.toString(), seen.at("/capabilities/resources/subscribe").asBoolean(), is(true));
        assertThat(seen.toString(), seen.at("/capabilities/completions").isObject(), is(true));

        // The client answered the upstream's sampling request, and the upstream got that answer.
        assertThat(seen.get("sampled").toString(), seen.get("sampled").valueStream().map(JsonNode::asString).toList(),
                   hasItem(containsString("direct call")));
        assertThat(seen.get("sampling").asString(), containsString("sampled("));
        assertThat(seen.get("sampling").asString(), containsString("relay-test-model"));
        assertThat(seen.get("elicited").asInt(), is(1));
        assertThat(seen.get("elicitation").asString(), containsString("Ada Lovelace"));
        // A program's tool call waited while the client answered.
        assertThat(seen.at("/program").toString(), seen.at("/program/result").asString(""),
                   containsString("from a program"));

        // A tool the upstream runs only as a task: listed without task support (the gateway offers clients no tasks),
        // called the ordinary way; the question its task asked reached the client and its answer the report.
        assertThat(seen.toString(), seen.at("/taskTool/name").asString(), is(upstream + "__simulate-research-query"));
        assertThat(seen.toString(), seen.at("/taskTool/execution").isMissingNode(), is(true));
        assertThat(seen.get("research").asString(), containsString("Research Report: tides (historical)"));
        assertThat(seen.toString(), seen.get("clarified").asInt(), is(1));
        assertThat(seen.at("/programResearch").toString(), seen.at("/programResearch/result").asString(""),
                   containsString("Research Report: moons"));

        assertThat(seen.toString(), seen.get("log"), notNullValue());
        assertThat(seen.toString(), seen.at("/log/logger").asString(), startsWith(upstream));
        assertThat(seen.toString(), seen.at("/update").asString(), is("demo://resource/static/document/architecture.md"));
        assertThat(seen.toString(), seen.at("/limitError").asInt(), is(-32015));
        assertThat(seen.toString(), seen.at("/gatewayLog/level").asString(), is("warning"));
        assertThat(seen.toString(), seen.at("/gatewayLog/data").asString(), containsString("execution stopped"));

        assertThat(seen.toString(), seen.at("/refused/isError").asBoolean(), is(true));
        assertThat(seen.at("/refused/text").asString(), containsString("did not declare the 'sampling' capability"));
    }
}
