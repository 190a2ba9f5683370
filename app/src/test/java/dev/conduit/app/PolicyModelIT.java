package dev.conduit.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import dev.conduit.core.jsonrpc.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The policy model's table (docs/security.md), driven through the real server: for each key ceiling × request
 * narrowing × tool, a direct tools/call and the same call from inside a program reach the decision the table gives.
 */
class PolicyModelIT {
    private static final Map<String, String> KEYS = Map.of(
            "all", RunningConduit.API_KEY,
            "echo-only", "it-echo-only-0123456789abcdef",
            "everything", "it-everything-0123456789abcdef",
            "files-only", "it-files-only-0123456789abcdef");

    @TempDir
    static Path dir;
    private static RunningConduit conduit;

    @BeforeAll
    static void start() throws Exception {
        String config = RunningConduit.configWithEverything().replace("""
                      tools: [everything.echo, "files.*"]
                """, """
                      tools: [everything.echo, "files.*"]
                    - id: echo-only
                      secret: ${ECHO_ONLY_KEY}
                      tools: [everything.echo, "conduit.*"]
                    - id: everything
                      secret: ${EVERYTHING_KEY}
                      tools: ["everything.*", "conduit.*"]
                    - id: files-only
                      secret: ${FILES_ONLY_KEY}
                      tools: ["files.*", "conduit.*"]
                """);
        conduit = RunningConduit.start(dir, Map.of("ECHO_ONLY_KEY", KEYS.get("echo-only"),
                                                   "EVERYTHING_KEY", KEYS.get("everything"),
                                                   "FILES_ONLY_KEY", KEYS.get("files-only")), config);
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("all", null, "everything__echo", true, true),
                Arguments.of("all", "everything.echo", "everything__echo", true, true),
                Arguments.of("all", "everything.echo", "everything__get-sum", true, false),
                Arguments.of("echo-only", null, "everything__get-sum", false, false),
                Arguments.of("echo-only", "everything.*", "everything__get-sum", false, false),
                Arguments.of("everything", "echo", "everything__echo", true, true),
                Arguments.of("everything", "echo", "everything__get-sum", true, false),
                Arguments.of("files-only", null, "everything__echo", false, false));
    }

    @ParameterizedTest(name = "key {0}, narrowed to {1}, {2}: direct {3}, in code {4}")
    @MethodSource("table")
    void directAndInCodeCallsGetTheTablesDecision(String key, String narrowing, String tool, boolean direct,
                                                  boolean inCode) throws Exception {
        McpHttpClient client = new McpHttpClient(conduit, KEYS.get(key));
        String arguments = tool.endsWith("echo") ? "{\"message\":\"x\"}" : "{\"a\":1,\"b\":2}";
        JsonNode called = client.post("""
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"%s","arguments":%s}}"""
                                              .formatted(tool, arguments));
        boolean directAllowed = called.has("result") && !called.at("/result/isError").asBoolean(false);
        assertThat(called.toString(), directAllowed, is(direct));

        ObjectNode extra = Json.object();
        if (narrowing != null) {
            extra.putArray("allowedTools").add(narrowing);
        }
        JsonNode run = client.execute("javascript", """
                try { await tools.$raw('%s', %s); return 'allowed'; }
                catch (e) { return e.code === -32003 && /not in the allowlist/.test(e.message) ? 'refused' : e.message; }"""
                                              .formatted(tool, arguments), extra);
        assertThat(run.toString(), run.at("/result/structuredContent/result").asString(),
                   is(inCode ? "allowed" : "refused"));
    }
}
