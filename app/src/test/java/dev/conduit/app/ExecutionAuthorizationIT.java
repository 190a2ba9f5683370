package dev.conduit.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Every way to run code, in every naming and on every transport, obeys the key: a key whose allow-list lacks
 * {@code conduit.*} runs nothing, a key that has it runs the program. Method × transport × key, as a table.
 */
class ExecutionAuthorizationIT {
    /** A key allowed only the echo tool, and one allowed only Python. */
    private static final String ECHO_ONLY = "it-echo-only-0123456789abcdef";
    private static final String PYTHON_ONLY = "it-python-only-0123456789abc";

    @TempDir
    static Path dir;
    private static RunningConduit conduit;
    private static Path socket;

    @BeforeAll
    static void start() throws Exception {
        socket = dir.resolve("conduit.sock");
        conduit = RunningConduit.start(dir, java.util.Map.of("ECHO_ONLY", ECHO_ONLY, "PYTHON_ONLY", PYTHON_ONLY),
                RunningConduit.config(true) + """
                    - id: echo-only
                      secret: ${ECHO_ONLY}
                      tools: [everything.echo]
                    - id: python-only
                      secret: ${PYTHON_ONLY}
                      tools: [conduit.execute_python]
                transports:
                  socket:
                    path: %s
                """.formatted(socket));
    }

    @AfterAll
    static void stop() {
        conduit.close();
    }

    /** The language of each way to run code, by method name. */
    static Stream<Arguments> table() {
        List<String[]> methods = List.of(
                new String[] {"mcp.executeIsolate", "javascript"}, new String[] {"mcp_execute_isolate", "javascript"},
                new String[] {"mcp.executeTypeScript", "typescript"},
                new String[] {"mcp_execute_typescript", "typescript"},
                new String[] {"mcp.executePython", "python"}, new String[] {"mcp_execute_python", "python"},
                new String[] {"tools/call execute_javascript", "javascript"},
                new String[] {"tools/call execute_typescript", "typescript"},
                new String[] {"tools/call execute_python", "python"});
        List<Arguments> rows = new ArrayList<>();
        for (String[] method : methods) {
            for (String transport : List.of("http", "socket")) {
                rows.add(Arguments.of(method[0], method[1], transport, "full", true));
                rows.add(Arguments.of(method[0], method[1], transport, "echo-only", false));
                rows.add(Arguments.of(method[0], method[1], transport, "python-only", method[1].equals("python")));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} over {2} as {3}: runs={4}")
    @MethodSource("table")
    void everyWayToRunCodeObeysTheKey(String method, String language, String transport, String key, boolean runs)
            throws Exception {
        String secret = switch (key) {
            case "full" -> RunningConduit.API_KEY;
            case "echo-only" -> ECHO_ONLY;
            default -> PYTHON_ONLY;
        };
        String code = language.equals("python") ? "print('ran')" : "console.log('ran')";
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", 7);
        if (method.startsWith("tools/call ")) {
            request.put("method", "tools/call");
            ObjectNode params = request.putObject("params");
            params.put("name", method.substring("tools/call ".length()));
            params.putObject("arguments").put("code", code);
        } else {
            request.put("method", method);
            request.putObject("params").put("code", code);
        }
        JsonNode answer = transport.equals("http") ? new McpHttpClient(conduit, secret).post(request.toString())
                : viaSocket(request, secret);
        if (runs) {
            String stdout = answer.has("result") && answer.at("/result/structuredContent").isObject()
                    ? answer.at("/result/structuredContent/stdout").asString("")
                    : answer.at("/result/stdout").asString("");
            assertThat(answer.toString(), stdout, is("ran\n"));
        } else {
            assertThat(answer.toString(), answer.has("error"), is(true));
            int code32 = answer.at("/error/code").asInt();
            assertThat(answer.toString(), code32 == -32602 || code32 == -32003, is(true));
            assertThat(answer.toString(), answer.toString(), org.hamcrest.Matchers.not(containsString("ran\\n")));
        }
    }

    private static JsonNode viaSocket(ObjectNode request, String secret) throws Exception {
        request.putObject("auth").put("bearerToken", secret);
        try (LineClient client = LineClient.open(socket)) {
            client.raw(request.toString());
            return client.read();
        }
    }
}
