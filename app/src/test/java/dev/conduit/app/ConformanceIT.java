package dev.conduit.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * The official MCP conformance suite on Node 22, every server scenario (active and pending): 0.2.0-alpha.12 at
 * {@code --spec-version 2025-11-25} through the booted distribution whose upstream is our fixture server
 * (interop/conformance-fixture.mjs, which offers the suite's fixtures, published with {@code namespace: ""}), over
 * stdio and over Streamable HTTP; the same at {@code 2026-07-28} over stdio, where a 2026-era upstream
 * (interop/modern-server.mjs) serves the scenarios that need a native multi round-trip server beside it; its
 * extension scenarios (tasks, skills) over stdio, where a 2026-era upstream running tools as tasks
 * (interop/tasks-server.mjs) serves the tasks scenarios' fixture tools; and 0.1.16 against the fixture alone. The
 * expected-failures baselines in {@code interop/} name any exception and its reason (the suite fails a run on a
 * failure the baseline does not list, and on a listed scenario that passes). The suite
 * sends no credentials, so the gateway runs with authentication off on loopback.
 */
class ConformanceIT {
    private static final Path SUITE = RunningConduit.INTEROP.resolve(
            "node_modules/@modelcontextprotocol/conformance/dist/index.js");
    private static final Path BASELINE = RunningConduit.INTEROP.resolve("conformance-expected-failures.yaml");
    private static final Path FIXTURE_BASELINE = RunningConduit.INTEROP.resolve(
            "conformance-fixture-expected-failures.yaml");
    private static final Path FIXTURE = RunningConduit.INTEROP.resolve("conformance-fixture.mjs").toAbsolutePath();
    /** A 2026-era upstream offering the suite's native multi round-trip tools (keys, roots, several questions). */
    private static final Path MODERN_FIXTURE = RunningConduit.INTEROP.resolve("modern-server.mjs").toAbsolutePath();
    /** The suite's 2026-07-28 edition (npm alias of @modelcontextprotocol/conformance 0.2.0-alpha.12). */
    private static final Path SUITE_2026 = RunningConduit.INTEROP.resolve(
            "node_modules/conformance-2026/dist/index.js");
    private static final Path BASELINE_2026 = RunningConduit.INTEROP.resolve("conformance-2026-expected-failures.yaml");
    /** A 2026-era upstream that runs tools as tasks of the tasks extension: the fixtures of the suite's tasks scenarios. */
    private static final Path TASKS_FIXTURE = RunningConduit.INTEROP.resolve("tasks-server.mjs").toAbsolutePath();
    private static final Path BASELINE_EXTENSIONS = RunningConduit.INTEROP.resolve(
            "conformance-extensions-expected-failures.yaml");
    /** What passes of its checks at 2026-07-28 through the gateway (151 of 153; the baseline names the rest). */
    private static final int CHECKS_2026 = 151;
    /** What passes of the 2026 edition's checks at 2025-11-25 through the gateway (all it has for a server). */
    private static final int CHECKS_2025 = 80;
    /** The suite's extension scenarios (tasks, skills) when this was written. */
    private static final int EXTENSION_SCENARIOS = 13;
    /** What passes of the extension scenarios' checks through the gateway (45 of 46; the skills checks skip). */
    private static final int CHECKS_EXTENSIONS = 45;
    /** 0.1.16's server scenarios, active and pending, have 44 checks; the fixture passes every one directly. */
    private static final int CHECKS = 44;

    @TempDir
    static Path dir;
    private static Process fixture;
    private static int fixturePort;
    private static RunningConduit overStdio;
    private static RunningConduit overHttp;

    @BeforeAll
    static void start() throws Exception {
        fixturePort = UpstreamsIT.freePort();
        fixture = UpstreamsIT.startNodeServer(fixturePort, FIXTURE, "--http", Integer.toString(fixturePort));
        overStdio = RunningConduit.start(dir, RunningConduit.config(false) + """
                upstreams:
                  - id: fixture
                    namespace: ""
                    command: %1$s
                    args: [%2$s]
                  - id: modern
                    namespace: ""
                    command: %1$s
                    args: [%3$s]
                    relay-roots: true
                  - id: tasks
                    namespace: ""
                    command: %1$s
                    args: [%4$s]
                """.formatted(RunningConduit.NODE.toAbsolutePath(), FIXTURE, MODERN_FIXTURE, TASKS_FIXTURE));
        overHttp = RunningConduit.start(dir, RunningConduit.config(false) + """
                policy:
                  outbound:
                    allow: [127.0.0.1]
                upstreams:
                  - id: fixture
                    namespace: ""
                    type: http
                    url: http://127.0.0.1:%d/mcp
                """.formatted(fixturePort));
    }

    @AfterAll
    static void stop() {
        Stream.of(overStdio, overHttp).filter(Objects::nonNull).forEach(RunningConduit::close);
        if (fixture != null) {
            fixture.destroy();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theFixtureItselfPassesTheWholeServerSuite() throws Exception {
        suite("direct", "http://localhost:" + fixturePort + "/mcp", FIXTURE_BASELINE);
    }

    /** The suite's 2026 edition at the 2025 revision: every server scenario of the 2025 era, through the gateway. */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theWholeServerSuitePassesThroughTheGatewayToAStdioUpstream() throws Exception {
        suite2025("stdio", overStdio.mcpUrl());
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theWholeServerSuitePassesThroughTheGatewayToAnHttpUpstream() throws Exception {
        suite2025("http", overHttp.mcpUrl());
    }

    /**
     * The modern revision (2026-07-28), every scenario of the suite's 2026 edition, through the gateway to the stdio
     * fixture: stateless requests with no initialize, their _meta and headers checked, results in the revision's
     * words. Its baseline names what is not built yet.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theModernRevisionsScenariosPassThroughTheGatewayButForTheBaseline() throws Exception {
        Path out = Files.createDirectories(dir.resolve("suite-2026"));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(300), RunningConduit.NODE.toString(),
                SUITE_2026.toString(), "server", "--spec-version", "2026-07-28", "--suite", "all", "--url",
                overStdio.mcpUrl(), "--expected-failures", BASELINE_2026.toAbsolutePath().toString(), "-o",
                out.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("Baseline check passed"));
        assertThat(run.output(), passed(out), greaterThanOrEqualTo(CHECKS_2026));
    }

    /**
     * The suite's extension scenarios, each one it lists as {@code [extension]} (not in {@code --suite all} at a
     * revision): the tasks extension's, through the gateway to the stdio fixtures, whose tasks upstream
     * (interop/tasks-server.mjs) serves the tools they call; the skills extension's, which the gateway does not
     * declare. Its baseline names what does not pass, and why.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theExtensionScenariosPassThroughTheGatewayButForTheirBaseline() throws Exception {
        RunningConduit.Result listed = RunningConduit.run(Duration.ofSeconds(60), RunningConduit.NODE.toString(),
                SUITE_2026.toString(), "list", "--server");
        List<String> scenarios = listed.output().lines().map(String::strip)
                .filter(line -> line.startsWith("- ") && line.endsWith("[extension]"))
                .map(line -> line.substring(2, line.indexOf(' ', 2))).toList();
        assertThat(listed.output(), scenarios.size(), greaterThanOrEqualTo(EXTENSION_SCENARIOS));
        Path out = Files.createDirectories(dir.resolve("suite-extensions"));
        for (String scenario : scenarios) {
            RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(120), RunningConduit.NODE.toString(),
                    SUITE_2026.toString(), "server", "--scenario", scenario, "--spec-version", "2026-07-28",
                    "--force", "--url", overStdio.mcpUrl(), "--expected-failures",
                    BASELINE_EXTENSIONS.toAbsolutePath().toString(), "-o", out.toString());
            assertThat(scenario + ": " + run.output(), run.exitCode(), is(0));
        }
        assertThat(passed(out) + " checks passed", passed(out), greaterThanOrEqualTo(CHECKS_EXTENSIONS));
    }

    /**
     * The upstream closes the response stream of a call before it answers (SSE polling, SEP-1699): the gateway
     * resumes it with {@code Last-Event-ID} and the call succeeds. (Through the gateway the suite's own polling
     * scenario sees the gateway's stream, not the upstream's, so this asks for the fixture's tool directly.)
     */
    @Test
    void aCallWhoseUpstreamStreamClosesEarlyIsResumed() throws Exception {
        McpHttpClient client = new McpHttpClient(overHttp, RunningConduit.API_KEY);
        JsonNode answer = client.post("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"test_reconnection","arguments":{}}}""");
        assertThat(answer.toString(), answer.at("/result/isError").asBoolean(false), is(false));
        assertThat(answer.toString(), answer.at("/result/content/0/text").asString(), is("Reconnection test completed"));
    }

    /**
     * An upstream published with {@code namespace: ""}: its tools keep their own names for clients, and a program
     * reaches them as {@code tools.<tool>} and under the upstream's id, {@code tools.fixture.<tool>}.
     */
    @Test
    void aProgramReachesAnUnprefixedUpstreamsToolsByNameAndById() throws Exception {
        McpHttpClient client = new McpHttpClient(overStdio, RunningConduit.API_KEY);
        JsonNode listed = client.post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        assertThat(listed.toString(), containsString("\"name\":\"test_simple_text\""));
        JsonNode run = client.post("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_javascript","arguments":\
                {"code":"return [await tools.test_simple_text({}), await tools.fixture.test_simple_text({})].join('|')"}}}""");
        assertThat(run.toString(), run.at("/result/structuredContent/result").asString(),
                   is("This is a simple text response for testing.|This is a simple text response for testing."));
    }

    private static void suite(String target, String url, Path baseline) throws Exception {
        Path out = Files.createDirectories(dir.resolve("suite-" + target));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(300), RunningConduit.NODE.toString(),
                SUITE.toString(), "server", "--suite", "all", "--url", url, "--expected-failures",
                baseline.toAbsolutePath().toString(), "-o", out.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("Baseline check passed"));

        List<String> failed = checks(out, "FAILURE");
        assertThat(failed.toString(), failed, empty());
        // Through the gateway the polling scenario sees the gateway's JSON answer and has nothing to check (one less).
        assertThat(run.output(), passed(out), greaterThanOrEqualTo(target.equals("direct") ? CHECKS : CHECKS - 1));
    }

    private static void suite2025(String target, String url) throws Exception {
        Path out = Files.createDirectories(dir.resolve("suite-2025-" + target));
        RunningConduit.Result run = RunningConduit.run(Duration.ofSeconds(300), RunningConduit.NODE.toString(),
                SUITE_2026.toString(), "server", "--spec-version", "2025-11-25", "--suite", "all", "--url", url,
                "--expected-failures", BASELINE.toAbsolutePath().toString(), "-o", out.toString());
        assertThat(run.output(), run.exitCode(), is(0));
        assertThat(run.output(), containsString("Baseline check passed"));
        List<String> failed = checks(out, "FAILURE");
        assertThat(failed.toString(), failed, empty());
        assertThat(run.output(), passed(out), greaterThanOrEqualTo(CHECKS_2025));
    }

    private static int passed(Path out) throws IOException {
        return checks(out, "SUCCESS").size();
    }

    /** The ids of the checks in the suite's output with {@code status}. */
    private static List<String> checks(Path out, String status) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(path -> path.getFileName().toString().equals("checks.json")).toList()) {
                for (JsonNode check : Json.mapper().readTree(file.toFile())) {
                    if (check.get("status").asString().equals(status)) {
                        ids.add(check.get("id").asString());
                    }
                }
            }
        }
        return ids;
    }
}
