package dev.conduit.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
        JsonNode seen = seenBy("relay-client.mjs", conduit.mcpUrl(), upstream.equals("everything") ? STDIO_KEY : HTTP_KEY,
                               upstream);
        assertThat(seen.toString(), seen.at("/capabilities/resources/subscribe").asBoolean(), is(true));
        assertThat(seen.toString(), seen.at("/capabilities/completions").isObject(), is(true));

        // The client answered the upstream's sampling request, and the upstream got that answer.
        assertThat(seen.get("sampled").toString(), seen.get("sampled").valueStream().map(JsonNode::asString).toList(),
                   hasItem(containsString("direct call")));
        assertThat(seen.get("sampling").asString(), containsString("sampled("));
        assertThat(seen.get("sampling").asString(), containsString("relay-test-model"));
        assertThat(seen.get("elicited").asInt(), is(2));
        assertThat(seen.get("elicitation").asString(), containsString("Ada Lovelace"));
        // Asked as tasks of the gateway's (2025-11-25): the upstream polled them and fetched the client's answers.
        assertThat(seen.get("asyncElicitation").asString(), containsString("[COMPLETED] User provided"));
        assertThat(seen.get("asyncElicitation").asString(), containsString("Name: Ada Lovelace"));
        assertThat(seen.get("sampled").toString(), seen.get("sampled").valueStream().map(JsonNode::asString).toList(),
                   hasItem(containsString("as a task")));
        assertThat(seen.get("asyncSampling").asString(), containsString("[COMPLETED] Async sampling completed"));
        assertThat(seen.get("asyncSampling").asString(), containsString("relay-test-model"));
        // A program's tool call waited while the client answered.
        assertThat(seen.at("/program").toString(), seen.at("/program/result").asString(""),
                   containsString("from a program"));

        // A tool the upstream runs only as a task: listed as one a task is optional for (the gateway runs the
        // upstream's task itself), called the ordinary way; the question its task asked reached the client and its
        // answer the report.
        assertThat(seen.toString(), seen.at("/taskTool/name").asString(), is(upstream + "__simulate-research-query"));
        assertThat(seen.toString(), seen.at("/taskTool/execution/taskSupport").asString(), is("optional"));
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

    /**
     * Tasks (2025-11-25) with the official client's task API: a program and an upstream tool (itself run as a task at
     * the upstream) run as tasks; the upstream's question reaches the client on tasks/result, tagged with the task; a
     * failing program's task is failed; cancel, list, and a second key that finds nothing of the first's.
     */
    @Test
    void callsRunAsTasksForClientsThatAskForThem() throws Exception {
        JsonNode seen = seenBy("tasks-client.mjs", conduit.mcpUrl(), STDIO_KEY, HTTP_KEY, "everything");
        String all = seen.toString();
        assertThat(all, seen.at("/capabilities/tasks/requests/tools/call").isObject(), is(true));
        assertThat(all, seen.at("/listed/taskSupport").asString(), is("optional"));

        assertThat(all, seen.at("/program/created/status").asString(), is("working"));
        assertThat(all, seen.at("/program/result/structuredContent/result").asString(), containsString("from a task"));
        assertThat(all, seen.at("/research/statuses").toString(), containsString("input_required"));
        assertThat(all, seen.at("/research/result/content/0/text").asString(),
                   containsString("Research Report: tides (technical)"));
        String task = seen.at("/research/created/taskId").asString();
        assertThat(all, seen.at("/questions/0/meta/io.modelcontextprotocol~1related-task/taskId").asString(), is(task));
        assertThat(all, seen.at("/failedTask/status").asString(), is("failed"));
        assertThat(all, seen.at("/failedTask/statusMessage").asString(), containsString("no luck"));

        assertThat(all, seen.at("/otherGet/code").asInt(), is(-32602));
        assertThat(all, seen.at("/otherCancel/code").asInt(), is(-32602));
        assertThat(all, seen.get("otherList").isEmpty(), is(true));
        assertThat(all, seen.at("/cancelled/status").asString(), is("cancelled"));
        assertThat(all, seen.at("/afterCancel/status").asString(), is("cancelled"));
        assertThat(all, seen.at("/cancelAgain/code").asInt(), is(-32602));
        assertThat(all, seen.at("/cancelledResult/code").asInt(), is(-32800));
        assertThat(all, seen.get("listedTasks").size(), is(4));
        assertThat(all, seen.at("/unknown/code").asInt(), is(-32602));

        // The 2026-07-28 extension: the call outlasted a second and became a task; its question came in tasks/get
        // and tasks/update's answer reached the upstream.
        assertThat(all, seen.at("/modernCreated/resultType").asString(), is("task"));
        assertThat(all, seen.at("/modernAsking/status").asString(), is("input_required"));
        assertThat(all, seen.at("/modernAsking/inputRequests").toString(), containsString("elicitation/create"));
        assertThat(all, seen.at("/modernUpdate/resultType").asString(), is("complete"));
        assertThat(all, seen.at("/modernDone/status").asString(), is("completed"));
        assertThat(all, seen.at("/modernDone/result/content/0/text").asString(),
                   containsString("Research Report: rivers (historical)"));
    }

    /** Runs the interop client {@code script} with {@code arguments}; what it saw, its last line of JSON. */
    private static JsonNode seenBy(String script, String... arguments) throws Exception {
        String[] command = new String[arguments.length + 2];
        command[0] = RunningConduit.NODE.toString();
        command[1] = script;
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        RunningConduit.Result run = RunningConduit.run(RunningConduit.patient(Duration.ofSeconds(90)), command);
        assertThat(run.output(), run.exitCode(), is(0));
        return Json.mapper().readTree(run.output().lines().filter(line -> line.startsWith("{"))
                                              .reduce((a, b) -> b).orElseThrow());
    }
}
