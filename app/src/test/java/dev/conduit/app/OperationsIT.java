package dev.conduit.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an operator sees: after real executions on every engine and real tool calls, the ops socket's metrics carry
 * each outcome with bounded labels and pass promtool, and the dashboard and alert rules in {@code deploy/} name only
 * metrics the server really exports (so they cannot drift from it).
 */
class OperationsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path REPOSITORY = RunningConduit.INTEROP.toAbsolutePath().getParent();
    private static final Pattern METRIC = Pattern.compile("\\b((?:conduit|process|jvm)_[a-z_]+)\\b");

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static String scrape;

    @BeforeAll
    static void start() throws Exception {
        // The audit trail goes to the log (the default sink), arguments included: what the log's redaction must mask.
        conduit = RunningConduit.start(dir, RunningConduit.configWithEverything() + """
                policy:
                  audit:
                    include-arguments: true
                """);
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        for (String engine : new String[] {"graaljs", "rhino", "deno"}) {
            JsonNode ok = client.execute("javascript", "await tools.everything.echo({message: 'm'})",
                                         Json.object().put("engine", engine));
            assertThat(ok.toString(), ok.at("/result/structuredContent/exitCode").asInt(), is(0));
        }
        assertThat(client.execute("python", "1 + 1", null).at("/result/structuredContent/exitCode").asInt(), is(0));
        client.execute("javascript", "throw new Error('guest')", null);
        ObjectNode tight = Json.object();
        tight.putObject("limits").put("timeoutMs", 200);
        client.execute("javascript", "for (;;) {}", tight);
        // A name from the request must never become a label value.
        client.execute("javascript", "try { await tools.$raw('secret-from-request', {}) } catch (e) {}",
                       Json.object().put("engine", "graaljs"));
        scrape = get("/observe/metrics");
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    @Test
    void executionsAndToolCallsAreCountedByOutcome() {
        assertThat(scrape, containsString("conduit_executions_started_total{engine=\"graaljs\""));
        for (String engine : new String[] {"graaljs", "rhino", "deno", "graalpy"}) {
            assertThat(engine, sample("conduit_executions_finished_total", "engine=\"" + engine + "\"",
                                      "outcome=\"ok\"") >= 1, is(true));
        }
        assertThat(sample("conduit_executions_finished_total", "engine=\"graaljs\"", "outcome=\"guest_error\""),
                   is(1.0));
        assertThat(sample("conduit_executions_finished_total", "engine=\"graaljs\"", "outcome=\"timeout\""),
                   is(1.0));
        assertThat(sample("conduit_execution_duration_seconds_count", "engine=\"deno\""), is(1.0));
        assertThat(sample("conduit_tool_calls_total", "upstream=\"everything\"", "tool=\"echo\"", "outcome=\"ok\""),
                   is(3.0));
        assertThat(sample("conduit_upstream_up", "upstream=\"everything\""), is(1.0));
        assertThat(sample("conduit_upstream_tools", "upstream=\"everything\"") > 5, is(true));
        assertThat(sample("conduit_engine_available", "engine=\"deno\""), is(1.0));
        assertThat(sample("conduit_executions_running"), is(0.0));
        assertThat(sample("conduit_engine_pool_ready", "engine=\"deno\"") >= 0, is(true));
        assertThat(sample("conduit_upstream_restarts_total", "upstream=\"everything\""), is(0.0));
        assertThat(sample("conduit_upstream_catalog_misses_total", "upstream=\"everything\"") >= 1, is(true));
        assertThat(sample("conduit_upstream_catalog_hits_total", "upstream=\"everything\"") >= 1, is(true));
        assertThat(sample("conduit_requests_total", "transport=\"http\"", "method=\"tools/call\"",
                          "outcome=\"ok\"") >= 5, is(true));
        assertThat(scrape, not(containsString("secret-from-request")));
    }

    @Test
    void everyRequestAndExecutionLogsOneLineUnderTheCorrelationIdTheClientGets() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        HttpResponse<String> response = client.postRaw("""
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"execute_javascript",\
                "arguments":{"code":"await tools.everything.echo({message: 'logged'})","engine":"rhino"}}}""");
        String id = response.headers().firstValue("Conduit-Correlation-Id").orElseThrow();
        assertThat(conduit.log(), conduit.awaitLog("request correlationId=" + id + " principal=it transport=http "
                                                   + "method=tools/call outcome=ok", Duration.ofSeconds(10)), is(true));
        assertThat(conduit.log(), containsString("execution correlationId=" + id + " principal=it transport=http "
                                                 + "engine=rhino language=javascript outcome=ok"));
        assertThat(conduit.log(), containsString("toolCalls=1"));
        assertThat(conduit.log(), not(containsString(RunningConduit.API_KEY)));
        assertThat(conduit.log(), not(containsString("logged"))); // no program text or arguments
    }

    @Test
    void anAuditRecordInTheLogKeepsItsFieldsAndLosesTheSecretsInItsArguments() throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, RunningConduit.API_KEY);
        HttpResponse<String> response = client.postRaw("""
                {"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"everything__echo",\
                "arguments":{"message":"audited %s https://ops:hunter2@example.test/x"}}}"""
                .formatted(RunningConduit.API_KEY));
        assertThat(response.body(), response.statusCode(), is(200));
        String id = response.headers().firstValue("Conduit-Correlation-Id").orElseThrow();
        String record = "event=tool_call principal=it correlationId=" + id;
        assertThat(conduit.log(), conduit.awaitLog(record, Duration.ofSeconds(10)), is(true));
        String line = conduit.log().lines().filter(each -> each.contains(record)).findFirst().orElseThrow();
        assertThat(line, containsString("dev.conduit.audit: audit "));
        assertThat(line, containsString("tool=everything__echo"));
        assertThat(line, containsString("outcome=ok"));
        assertThat(line, containsString("audited")); // include-arguments: the argument is there, masked where secret
        assertThat(line, not(containsString(RunningConduit.API_KEY)));
        assertThat(line, not(containsString("hunter2")));
        assertThat(conduit.log(), not(containsString(RunningConduit.API_KEY)));
        assertThat(conduit.log(), not(containsString("hunter2")));
    }

    @Test
    void anOpsTokenGuardsTheOpsSocket() throws Exception {
        String token = "ops-token-0123456789abcdef";
        String config = RunningConduit.config(true).replace("      port: 0\n", "      port: 0\n      token: ${OPS_TOKEN}\n");
        assertThat(config, containsString("token: ${OPS_TOKEN}"));
        try (RunningConduit guarded = RunningConduit.start(Files.createDirectories(dir.resolve("guarded")),
                                                            Map.of("OPS_TOKEN", token), config)) {
            URI metrics = URI.create("http://127.0.0.1:" + guarded.opsPort() + "/observe/metrics");
            assertThat(HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                               .statusCode(), is(401));
            assertThat(HTTP.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer wrong-token").build(),
                                 HttpResponse.BodyHandlers.ofString()).statusCode(), is(401));
            HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(metrics)
                                                             .header("Authorization", "Bearer " + token).build(),
                                                     HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode(), is(200));
            assertThat(allowed.body(), containsString("# TYPE"));
            assertThat(guarded.log(), not(containsString(token)));
        }
    }

    @Test
    void spansGoOverOtlpToTheConfiguredCollectorUnderTheClientsTrace() throws Exception {
        java.util.concurrent.BlockingQueue<byte[]> posts = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            posts.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Path echo = RunningConduit.INTEROP.resolve("meta-echo-server.mjs").toAbsolutePath();
        int port = UpstreamsIT.freePort();
        Process remote = UpstreamsIT.startNodeServer(port, echo, "--http", Integer.toString(port));
        try (RunningConduit traced = RunningConduit.start(Files.createDirectories(dir.resolve("traced")),
                RunningConduit.config(true) + """
                        tracing:
                          endpoint: http://127.0.0.1:%d
                          export-interval: 100ms
                        policy:
                          outbound:
                            allow: [127.0.0.1]
                        upstreams:
                          - id: meta
                            command: %s
                            args: [%s]
                          - id: remote
                            type: http
                            url: http://127.0.0.1:%d/mcp
                        """.formatted(collector.getAddress().getPort(), RunningConduit.NODE.toAbsolutePath(), echo,
                                      port))) {
            String trace = "0af7651916cd43dd8448eb211c80319c";
            McpHttpClient client = new McpHttpClient(traced, RunningConduit.API_KEY);
            HttpResponse<String> response = client.postRaw("""
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_javascript",\
                    "arguments":{"code":"6 * 7","engine":"rhino"}}}""", "00-" + trace + "-b7ad6b7169203331-01");
            assertThat(response.body(), containsString("\"result\":42"));
            // The trace goes upstream too: a stdio upstream gets it in _meta.traceparent.
            HttpResponse<String> upstream = client.postRaw("""
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"meta__meta","arguments":{}}}""",
                                                           "00-" + trace + "-b7ad6b7169203331-01");
            JsonNode meta = Json.mapper().readTree(Json.mapper().readTree(upstream.body())
                                                           .at("/result/content/0/text").asString());
            assertThat(upstream.body(), meta.path("traceparent").asString(), startsWith("00-" + trace + "-"));
            // An HTTP upstream gets it as the traceparent header as well.
            HttpResponse<String> overHttp = client.postRaw("""
                    {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"remote__headers","arguments":{}}}""",
                                                           "00-" + trace + "-b7ad6b7169203331-01");
            JsonNode headers = Json.mapper().readTree(McpHttpClient.answer(overHttp).at("/result/content/0/text")
                                                              .asString());
            assertThat(overHttp.body(), headers.path("traceparent").asString(), startsWith("00-" + trace + "-"));
            byte[] traceId = java.util.HexFormat.of().parseHex(trace);
            boolean found = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!found && System.nanoTime() < deadline) {
                byte[] post = posts.poll(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                found = post != null && indexOf(post, traceId) >= 0;
            }
            assertThat("a span of trace " + trace + " reached the collector", found, is(true));
        } finally {
            collector.stop(0);
            remote.destroy();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void metricsPassPromtool() throws Exception {
        assumePromtool();
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, scrape);
        RunningConduit.Result check = RunningConduit.run(Duration.ofSeconds(30), "sh", "-c",
                                                          "promtool check metrics < '" + file + "'");
        assertThat(check.output(), check.exitCode(), is(0));
    }

    @Test
    void alertRulesAreValidAndNameOnlyExportedMetrics() throws Exception {
        Path rules = REPOSITORY.resolve("deploy/prometheus/conduit-alerts.yml");
        assertThat(missing(Files.readString(rules)), is(empty()));
        assumePromtool();
        RunningConduit.Result check = RunningConduit.run(Duration.ofSeconds(30), "promtool", "check", "rules",
                                                          rules.toString());
        assertThat(check.output(), check.exitCode(), is(0));
    }

    @Test
    void dashboardQueriesNameOnlyExportedMetrics() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(
                Files.readString(REPOSITORY.resolve("deploy/grafana/conduit-dashboard.json")));
        StringBuilder queries = new StringBuilder();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(
                target -> queries.append(target.path("expr").asString("")).append('\n')));
        assertThat(dashboard.path("panels").size() >= 8, is(true));
        assertThat(missing(queries.toString()), is(empty()));
    }

    /** The metric names in {@code text} that the scrape does not hold (a histogram by its name or its series). */
    private static Set<String> missing(String text) {
        Set<String> missing = new TreeSet<>();
        Matcher names = METRIC.matcher(text);
        assertThat(text, names.find(), is(true));
        names.reset();
        while (names.find()) {
            String name = names.group(1);
            // A histogram's own name counts too: the scrape holds its _bucket, _count and _sum series.
            if (!Pattern.compile("(?m)^" + name + "(_bucket)?[{ ]").matcher(scrape).find()) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The value of the one sample of {@code name} whose labels contain all of {@code labels}. */
    private static double sample(String name, String... labels) {
        double found = Double.NaN;
        for (String line : scrape.lines().toList()) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                if (!Double.isNaN(found)) {
                    throw new AssertionError("more than one sample of " + name + " with " + String.join(",", labels));
                }
                found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertThat(name + " with " + String.join(",", labels) + " in\n" + scrape, Double.isNaN(found), is(false));
        return found;
    }

    private static void assumePromtool() throws Exception {
        boolean present = RunningConduit.run(Duration.ofSeconds(10), "sh", "-c", "command -v promtool").exitCode() == 0;
        assumeTrue(present || System.getenv("CI") != null, "promtool is not installed (Debian package prometheus)");
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + conduit.opsPort() + path)).build(),
                         HttpResponse.BodyHandlers.ofString()).body();
    }
}
