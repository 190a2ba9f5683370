package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Rate limits and the audit trail through the real server: a key past its burst is refused with 429 / -32005 and
 * a retry hint, and served again after it, while another key is not affected; a program's 500 tool calls are not
 * requests; a key's tool-call rate stops a program with its own code; and the audit file holds one record per
 * execution and direct tool call, field by field, with no secret in it.
 */
class PolicyIT {
    private static final String BOT_KEY = "it-bot-key-0123456789abcdef";
    private static final String BURST_KEY = "it-burst-key-0123456789abcdef";

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static Path audit;

    @BeforeAll
    static void start() throws Exception {
        audit = dir.resolve("audit/audit.jsonl");
        String config = RunningConduit.configWithEverything().replace("""
                      tools: [everything.echo, "files.*"]
                """, """
                      tools: [everything.echo, "files.*"]
                    - id: bot
                      secret: ${BOT_KEY}
                    - id: burst
                      secret: ${BURST_KEY}
                      tools: [everything.echo]
                """) + """
                limits:
                  execution:
                    tool-calls: 1000
                policy:
                  rate-limits:
                    keys:
                      it:
                        requests: {rate: 10/m, burst: 10}
                      burst:
                        requests: {rate: 5/s, burst: 3}
                      bot:
                        tool-calls: {rate: 1/m, burst: 20}
                  audit:
                    sink: file
                    path: %s
                    include-code: false
                    include-arguments: true
                """.formatted(audit);
        conduit = RunningConduit.start(dir, Map.of("BOT_KEY", BOT_KEY, "BURST_KEY", BURST_KEY), config);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void aKeyPastItsBurstIsToldWhenToComeBackAndOtherKeysAreServed() throws Exception {
        McpHttpClient limited = new McpHttpClient(conduit, BURST_KEY); // initialize: 1 of 3
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}";
        assertThat(limited.postRaw(ping).statusCode(), is(200));
        assertThat(limited.postRaw(ping).statusCode(), is(200));
        HttpResponse<String> refused = limited.postRaw(ping);
        long refusedAt = System.nanoTime();
        assertThat(refused.body(), refused.statusCode(), is(429));
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        JsonNode error = Json.mapper().readTree(refused.body()).get("error");
        assertThat(error.get("code").asInt(), is(-32005));
        assertThat(error.at("/data/limit").asString(), is("requests"));
        long hint = error.at("/data/retryAfterMs").asLong();
        assertThat(hint, greaterThan(0L));
        assertThat(retryAfter, is(Math.max(1, (hint + 999) / 1000)));
        // Another key has a bucket of its own.
        McpHttpClient bot = new McpHttpClient(conduit, BOT_KEY);
        assertThat(bot.postRaw(ping).statusCode(), is(200));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + conduit.opsPort() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics, containsString("conduit_rate_limited_total{limit=\"requests\""));
        // A refusal by rate is its own request outcome, not an error (an error-rate alert must not fire on it).
        assertThat(metrics, org.hamcrest.Matchers.matchesPattern(
                "(?s).*conduit_requests_total\\{[^}]*method=\"ping\"[^}]*outcome=\"rate_limited\".*"));
        // Asking again and again is refused until the hint has passed, then served (polling with a deadline).
        long started = System.nanoTime();
        int status;
        do {
            status = limited.postRaw(ping).statusCode();
        } while (status == 429 && System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        long waitedMs = Duration.ofNanos(System.nanoTime() - refusedAt).toMillis();
        assertThat(status, is(200));
        assertThat("served after " + waitedMs + " ms; the hint was " + hint + " ms", waitedMs >= hint / 2, is(true));
    }

    @Test
    void aProgramsToolCallsAreNotRequests() throws Exception {
        // Key "it" may make 10 requests a minute; its program makes 500 tool calls.
        McpHttpClient it = new McpHttpClient(conduit, RunningConduit.API_KEY);
        JsonNode run = it.execute("javascript", """
                let n = 0;
                for (let i = 0; i < 500; i++) { await tools.everything.echo({message: 'x'}); n++; }
                return n;""", null);
        assertThat(run.toString(), run.at("/result/structuredContent/result").asInt(), is(500));
        assertThat(run.at("/result/structuredContent/toolCalls").size(), is(500));
    }

    @Test
    void aKeysToolCallRateStopsAProgramWithItsOwnCode() throws Exception {
        McpHttpClient bot = new McpHttpClient(conduit, BOT_KEY);
        double refusedBefore = conduit.metric("conduit_rate_limited_total");
        JsonNode run = bot.execute("javascript", """
                console.log('looping');
                for (let i = 0; i < 500; i++) { try { await tools.everything.echo({message: 'x'}); } catch (e) {} }""",
                                   null);
        assertThat(run.toString(), run.at("/error/code").asInt(), is(-32005));
        assertThat(run.at("/error/data/limit").asString(), is("tool-calls"));
        assertThat(run.at("/error/data/retryAfterMs").asLong(), greaterThan(0L));
        assertThat(run.at("/error/data/stdout").asString(), is("looping\n"));
        assertThat(run.at("/error/message").asString(), containsString("tool calls from programs"));
        // Each refused call is counted once, where it was refused; answering the program's error counts nothing more.
        long refusedCalls = run.at("/error/data/toolCalls").valueStream()
                .filter(call -> call.path("outcome").asString().equals("rate_limited")).count();
        assertThat(refusedCalls, greaterThan(0L));
        assertThat(conduit.metric("conduit_rate_limited_total") - refusedBefore, is((double) refusedCalls));
    }

    @Test
    void theAuditFileHoldsOneRecordPerExecutionAndDirectCallWithoutSecrets() throws Exception {
        conduit.awaitRunning("graaljs"); // the default engine: until it runs programs, another engine may take them
        McpHttpClient limitedKey = new McpHttpClient(conduit, RunningConduit.LIMITED_KEY);
        McpHttpClient it = new McpHttpClient(conduit, RunningConduit.API_KEY);
        JsonNode ok = call(limitedKey, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"everything__echo",\
                "arguments":{"message":"audited"}}}""");
        assertThat(ok.toString(), ok.at("/result/content/0/text").asString(), is("Echo: audited"));
        JsonNode refusedInCode = call(it, """
                {"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"execute_javascript","arguments":\
                {"allowedTools":["everything.echo"],"code":"try { await tools.$raw('everything__get-sum', {a: 1, b: 2}) } \
                catch (e) {} \
                await tools.everything.echo({message: 'in code'}); return 'done'"}}}""");
        assertThat(refusedInCode.toString(), refusedInCode.at("/result/structuredContent/exitCode").asInt(), is(0));
        JsonNode timedOut = call(it, """
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"execute_javascript","arguments":\
                {"code":"for (;;) {}","limits":{"timeoutMs":200}}}}""");
        assertThat(timedOut.toString(), timedOut.at("/error/code").asInt(), is(-32008));

        List<JsonNode> all = Files.readAllLines(audit).stream().map(line -> Json.mapper().readTree(line)).toList();
        JsonNode direct = all.stream().filter(r -> "limited".equals(r.path("principal").asString()))
                .filter(r -> "tool_call".equals(r.path("event").asString())
                                                       && "everything__echo".equals(r.path("tool").asString()))
                .findFirst().orElseThrow();
        assertThat(direct.path("outcome").asString(), is("ok"));
        assertThat(direct.path("allowlist").toString(), is("[\"everything.echo\",\"files.*\"]"));
        assertThat(direct.path("durationMs").isNumber(), is(true));
        assertThat(direct.path("resultBytes").asInt(), greaterThan(0));
        assertThat(direct.at("/arguments/message").asString(), is("audited")); // include-arguments: true
        assertThat(direct.path("correlationId").asString().isEmpty(), is(false));
        assertThat(direct.path("time").asString(), containsString("T"));

        List<JsonNode> executions = all.stream().filter(r -> "execution".equals(r.path("event").asString())
                                                             && "it".equals(r.path("principal").asString())).toList();
        JsonNode done = executions.stream().filter(r -> "ok".equals(r.path("outcome").asString())
                                                        && r.path("toolCalls").size() == 2).findFirst().orElseThrow();
        assertThat(done.path("engine").asString(), is("graaljs"));
        assertThat(done.path("codeSha256").asString().length(), is(64));
        assertThat(done.path("allowlist").toString(), is("[\"key: [*]\",\"request: [\\\"everything.echo\\\"]\"]"));
        assertThat(done.has("code"), is(false));
        assertThat(done.path("toolCalls").size(), is(2));
        assertThat(done.at("/toolCalls/0/tool").asString(), is("everything__get-sum"));
        assertThat(done.at("/toolCalls/0/outcome").asString(), is("refused"));
        assertThat(done.at("/toolCalls/1/outcome").asString(), is("ok"));
        assertThat(done.path("resultBytes").asInt(), is("\"done\"".length()));
        JsonNode limit = executions.stream().filter(r -> "timeout".equals(r.path("outcome").asString()))
                .findFirst().orElseThrow();
        assertThat(limit.path("limit").asString(), is("wall_time"));

        // One record per execution: running a program writes no tool_call record whose arguments are the program.
        assertThat(all.stream().filter(r -> "tool_call".equals(r.path("event").asString())
                                            && r.path("tool").asString().startsWith("execute_")).toList(),
                   is(List.of()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)), is("rw-------"));
        String file = Files.readString(audit);
        assertThat(file, not(containsString("in code"))); // include-code: false
        assertThat(file, not(containsString(RunningConduit.API_KEY)));
        assertThat(file, not(containsString(RunningConduit.LIMITED_KEY)));
        assertThat(file, not(containsString(BOT_KEY)));
        assertThat(file, not(containsString("for (;;)")));
    }

    /** Posts; key "it" has ten requests a minute, and the tests of this class stay under them. */
    private static JsonNode call(McpHttpClient client, String body) throws Exception {
        JsonNode answer = client.post(body);
        assertThat(answer.toString(), answer.at("/error/code").asInt(), not(is(-32005)));
        return answer;
    }
}
